// SPDX-License-Identifier: GPL-3.0-or-later
// The floor: a bare fetch loop, no framework. Each call carries the whole
// history (the speaker's own replies as assistant, the others' as user, as
// DenoAgents sends them), streamed; the reply is read event by event.
import { SYSTEM, TASK, MODEL, AGENTS, ROUNDS, baseUrl, report } from './common.mjs';

const url = `${baseUrl ()}/chat/completions`;
const history = [{ name: 'user', content: TASK }];
let last = '';

for (let turn = 0; turn < ROUNDS * AGENTS.length; turn++) {
  const speaker = AGENTS[turn % AGENTS.length];
  const messages = [{ role: 'system', content: SYSTEM }];
  for (const m of history)
    messages.push({ role: m.name === speaker ? 'assistant' : 'user', content: m.content, name: m.name });

  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok)
    throw new Error(`HTTP ${response.status}`);

  const decoder = new TextDecoder ();
  let buffer = '';
  let text = '';
  for await (const bytes of response.body) {
    buffer += decoder.decode (bytes, { stream: true });
    let end;
    while ((end = buffer.indexOf ('\n\n')) >= 0) {
      const event = buffer.slice (0, end);
      buffer = buffer.slice (end + 2);
      for (const line of event.split ('\n')) {
        if (!line.startsWith ('data:'))
          continue;
        const data = line.slice (5).trim ();
        if (data === '[DONE]')
          continue;
        const delta = JSON.parse (data).choices?.[0]?.delta?.content;
        if (delta)
          text += delta;
      }
    }
  }
  history.push({ name: speaker, content: text });
  last = text;
}

report (history.length - 1, last);
