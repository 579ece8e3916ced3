/**
 * Why a webhook URL is refused, or undefined when it is acceptable. https:// always; http:// only to a
 * loopback host (a receiver on the same machine, in development) unless `allowHttp` is set. No
 * credentials (they would be stored and shown with the URL) and no fragment.
 */
export function webhookUrlProblem(value: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  if (url.protocol === 'http:' && !allowHttp && !isLoopback(url.hostname)) {
    return 'must be an https:// URL (http:// only to a loopback address)';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not contain a fragment';
  return undefined;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
