// The Kubernetes objects of a set of YAML files: every document of every file (multi-document files,
// `List` objects with their items), each with its kind, name and namespace, so that readers can
// resolve references (ConfigMaps, Secrets, Services, clusters) across files in one namespace.

import { isMap } from 'yaml';
import type { Document } from 'yaml';
import type { Span } from '../../syntax/syntax';
import type { ReadProblem, SourceValue } from './types';
import { entriesOf, getEntry, itemsOf, scalarText, sourceValue, spanOf } from './yaml-source';
import type { YamlFile, YamlNode } from './yaml-source';

export interface KubeObject {
  file: YamlFile;
  document: Document.Parsed;
  /** The object's map. */
  node: YamlNode;
  apiVersion: string;
  kind: string;
  name: string;
  /** metadata.name as written (the object's place in the file); the object's start when unnamed. */
  nameAt: SourceValue;
  /** metadata.namespace, 'default' when not written (kubectl's default for an unqualified apply). */
  namespace: string;
}

/** Past this many objects in one List, the rest are not read (a generated file gone wrong). */
const MAX_LIST_ITEMS = 10_000;

/** Whether a map has both `apiVersion` and `kind` (what makes it a Kubernetes object). */
export function isObjectNode(document: Document.Parsed, node: unknown): boolean {
  if (!isMap(node)) return false;
  const entries = entriesOf(document, node);
  return entries.some((e) => e.key === 'apiVersion') && entries.some((e) => e.key === 'kind');
}

/**
 * Helm chart templates are Go templates that happen to look like YAML: `{{ .Values.x }}`,
 * `{{- if … }}`, `{{ include … }}`. They are skipped whole (their YAML errors would be noise).
 */
export function isHelmTemplate(file: YamlFile): boolean {
  return /\{\{-?\s*(?:[.$]|-|\/\*|if\b|else\b|end\b|range\b|with\b|define\b|template\b|include\b|toYaml\b|tpl\b|required\b|default\b|printf\b|quote\b)/.test(
    file.text,
  );
}

export function textOf(document: Document.Parsed, node: unknown, key: string): string | undefined {
  return scalarText(getEntry(document, node, key)?.value);
}

function objectOf(file: YamlFile, document: Document.Parsed, node: YamlNode): KubeObject | undefined {
  if (!isObjectNode(document, node)) return undefined;
  const metadata = getEntry(document, node, 'metadata')?.value;
  const nameNode = getEntry(document, metadata, 'name')?.value;
  const span: Span = spanOf(node);
  const nameAt = sourceValue(file, nameNode) ?? {
    text: '',
    file: file.path,
    span: { start: span.start, end: span.start },
  };
  const namespace = textOf(document, metadata, 'namespace');
  return {
    file,
    document,
    node,
    apiVersion: textOf(document, node, 'apiVersion') ?? '',
    kind: textOf(document, node, 'kind') ?? '',
    name: nameAt.text,
    nameAt,
    namespace: namespace !== undefined && namespace !== '' ? namespace : 'default',
  };
}

/** Every object of the files, in file and document order; Helm templates skipped with one note each. */
export function collectObjects(files: readonly YamlFile[], problems: ReadProblem[]): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const file of files) {
    if (isHelmTemplate(file)) {
      problems.push({
        file: file.path,
        span: { start: 0, end: 0 },
        message: 'A Helm template (`{{ … }}`) is not YAML until Helm renders it: this file is not read',
        severity: 'information',
        code: 'kubernetes-helm-template',
      });
      continue;
    }
    problems.push(...file.problems);
    for (const document of file.documents) {
      const root = document.contents;
      const object = root ? objectOf(file, document, root) : undefined;
      if (!object) continue;
      if (object.kind.endsWith('List')) {
        const items = itemsOf(document, getEntry(document, root, 'items')?.value);
        for (const item of items.slice(0, MAX_LIST_ITEMS)) {
          const one = objectOf(file, document, item);
          if (one) objects.push(one);
        }
        continue;
      }
      objects.push(object);
    }
  }
  return objects;
}
