// Go to definition, find references and rename for database names.
import type {
  Definition,
  Location,
  Position,
  PrepareRenameResult,
  ReferenceParams,
  WorkspaceEdit,
} from 'vscode-languageserver';
import type { LintResult } from '../engine';

export function definition(_uri: string, _analysis: LintResult, _position: Position): Definition | null {
  return null;
}

export function references(_uri: string, _analysis: LintResult, _params: ReferenceParams): Location[] {
  return [];
}

export function prepareRename(_analysis: LintResult, _position: Position): PrepareRenameResult | null {
  return null;
}

export function rename(
  _uri: string,
  _analysis: LintResult,
  _position: Position,
  _newName: string,
): WorkspaceEdit | null {
  return null;
}
