// Numbers and text as the view shows them; Markdown escaped for tooltips and hovers.

export function formatPercent(value: number): string {
  return `${Math.round(value)}%`;
}

export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  return `${Math.round(seconds)} s`;
}

export function formatRate(value: number | null): string {
  if (value === null) return '–';
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

export function formatMs(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Escapes the characters Markdown would read as formatting anywhere in a line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&');
}
