// node:net in the web-worker build: the address checks only (checks/listeners.ts, rules/support/hba.ts).

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(value: string): boolean {
  return V4.test(value);
}

export function isIPv6(value: string): boolean {
  const address = value.replace(/%[^%]+$/, '');
  if (!/^[\d.:a-f]+$/i.test(address) || !address.includes(':')) return false;
  let groups = address;
  let extra = 0;
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    groups = `${address.slice(0, lastColon + 1)}0:0`;
    extra = 0;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parts = (half: string) => (half === '' ? [] : half.split(':'));
  const head = parts(halves[0]);
  const rest = halves.length === 2 ? parts(halves[1]) : [];
  if ([...head, ...rest].some((group) => !/^[\da-f]{1,4}$/i.test(group))) return false;
  const count = head.length + rest.length + extra;
  return halves.length === 2 ? count < 8 : count === 8;
}

export function isIP(value: string): 0 | 4 | 6 {
  return isIPv4(value) ? 4 : isIPv6(value) ? 6 : 0;
}

export default { isIP, isIPv4, isIPv6 };
