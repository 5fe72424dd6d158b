/**
 * Delivers a push notification. Providers never fail the API call that caused a
 * notification when the receiver is down, so errors are swallowed and reported as 0.
 */
export async function postNotification(
  url: string,
  headers: Record<string, string>,
  body?: unknown,
  timeoutMs = 5000,
): Promise<number> {
  const hasBody = body !== undefined;
  const finalHeaders: Record<string, string> = { ...headers };
  if (hasBody && !Object.keys(finalHeaders).some((h) => h.toLowerCase() === 'content-type')) {
    finalHeaders['Content-Type'] = 'application/json';
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: finalHeaders,
      body: hasBody ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain so the socket is released.
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return 0;
  }
}
