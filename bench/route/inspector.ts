// One message inspector, as the console opens it: the live Server-Sent Events stream of one RM,
// read and counted, so that a rate phase can be measured with the tap on and with it off.

export interface Inspector {
  /** Ends the stream; answers how many messages it carried and how many gap events it had. */
  close(): { messages: number; gaps: number };
}

export async function openInspector(apiOrigin: string, jwt: string, rmNodeId: string): Promise<Inspector> {
  const abort = new AbortController();
  const response = await fetch(`${apiOrigin}/api/v1/rms/${rmNodeId}/messages/live`, {
    headers: { authorization: `Bearer ${jwt}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (!response.ok || response.body === null) {
    throw new Error(`the inspector's stream was refused: ${response.status} ${await response.text()}`);
  }
  let messages = 0;
  let gaps = 0;
  let tail = '';
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        // Counted on line starts only; a line may span two chunks, hence the carried tail.
        const text = tail + decoder.decode(value, { stream: true });
        const lines = text.split('\n');
        tail = lines.pop() ?? '';
        for (const line of lines) {
          if (line === 'event: message') messages++;
          else if (line === 'event: gap') gaps++;
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    close: () => {
      abort.abort();
      return { messages, gaps };
    },
  };
}
