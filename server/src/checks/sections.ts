// Section headers PgBouncer refuses or that reset what came before, a configuration without
// [pgbouncer], and entries before any section header.

import { allSections, availableIn, closestName, sectionInfo, versionLabel } from '../catalog/catalog';
import { ACCEPTED } from './check';
import type { Check } from './check';
import { replace } from '../model/edits';
import { guess, relatedTo } from './fixes';

export const sectionHeaders: Check = {
  name: 'section headers',
  reports: ['unknown-section', 'newer-than-target', 'section-reset', 'missing-pgbouncer-section'],
  sectionHeader(event, context) {
    const { header } = event;
    const info = sectionInfo(header.name);
    if (!info) {
      const suggestion = closestName(
        header.name.trim(),
        allSections().map((s) => s.name),
      );
      const hint = suggestion
        ? header.name.trim() === suggestion || header.name.toLowerCase() === suggestion
          ? ` Section names are exact and case-sensitive: write [${suggestion}].`
          : ` Did you mean [${suggestion}]?`
        : ' Valid sections: [pgbouncer], [databases], [users], [peers].';
      context.report(
        event.file,
        header.name === '' ? header.span : header.nameSpan,
        'unknown-section',
        `Unknown section [${header.name}].${hint}`,
        {
          fixes: [
            // The section it evidently meant; kept only if what follows then reads without a new finding.
            suggestion && header.name !== ''
              ? guess(`Rename to [${suggestion}]`, 'safe', [replace(event.file, header.nameSpan, suggestion)])
              : null,
          ],
        },
      );
      return;
    }
    if (!availableIn(info.addedIn, context.target)) {
      context.report(
        event.file,
        header.nameSpan,
        'newer-than-target',
        `Section [${info.name}] was added in ${versionLabel(info.addedIn)}; PgBouncer ${context.target.label} refuses it as an invalid section.`,
      );
      return;
    }
    if (info.name === 'pgbouncer' && context.mainHeaderCount > 0) {
      // The context still holds the settings of the section this header ends.
      const lost = [...context.mainSettings.values()];
      const detail =
        lost.length > 0
          ? ` The ${lost.length} setting${lost.length === 1 ? '' : 's'} made above (${lost
              .slice(0, 3)
              .map((l) => l.entry.key.text)
              .join(', ')}${lost.length > 3 ? ', ...' : ''}) ${lost.length === 1 ? 'is' : 'are'} lost.`
          : '';
      context.report(
        event.file,
        header.span,
        'section-reset',
        `A second [pgbouncer] header resets every [pgbouncer] setting to its default.${detail}`,
        { related: lost.slice(0, 20).map((l) => relatedTo(l, `${l.entry.key.text} is reset here`)) },
      );
    }
  },
  afterPass(context) {
    if (context.mainHeaderCount === 0) {
      context.report(
        context.model.root,
        { start: 0, end: 0 },
        'missing-pgbouncer-section',
        'There is no [pgbouncer] section; PgBouncer refuses to start without one.',
      );
    }
  },
};

export const entriesBeforeSections: Check = {
  name: 'entries before any section header',
  reports: ['key-outside-section'],
  entriesIn: [null],
  entry(at, context) {
    const { entry } = at;
    context.report(
      at.file,
      entry.key.span.start === entry.key.span.end ? entry.span : entry.key.span,
      'key-outside-section',
      `'${entry.key.text}' comes before any section header; PgBouncer refuses a setting without a section. Add [pgbouncer] (or [databases]) above it.`,
    );
    return ACCEPTED;
  },
};
