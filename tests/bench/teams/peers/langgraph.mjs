// SPDX-License-Identifier: GPL-3.0-or-later
// LangGraph.js: a StateGraph of four agent nodes in a ring over the shared
// MessagesAnnotation state; each node streams a ChatOpenAI reply to the
// whole history, its own replies as AI messages and the others' as human.
// The node reads model.stream() rather than invoke(): with streaming on,
// invoke() estimates token counts with a tokenizer it downloads from the
// internet, which a benchmark against a loopback server must not need (the
// server's usage chunk is read either way).
import { StateGraph, MessagesAnnotation, START, END } from '@langchain/langgraph';
import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { SYSTEM, TASK, MODEL, AGENTS, ROUNDS, baseUrl, report } from './common.mjs';

const model = new ChatOpenAI ({
  model: MODEL,
  streaming: true,
  apiKey: 'none',
  maxRetries: 0,
  configuration: { baseURL: baseUrl () },
});

function agentNode (name) {
  return async (state) => {
    const context = [new SystemMessage (SYSTEM)];
    for (const m of state.messages)
      context.push (m.name === name ? new AIMessage ({ content: m.content, name: m.name })
                                    : new HumanMessage ({ content: m.content, name: m.name }));
    let reply = null;
    for await (const chunk of await model.stream (context))
      reply = reply === null ? chunk : reply.concat (chunk);
    return { messages: [new AIMessage ({ content: reply.content, name })] };
  };
}

const builder = new StateGraph (MessagesAnnotation);
for (const name of AGENTS)
  builder.addNode (name, agentNode (name));
builder.addEdge (START, AGENTS[0]);
for (let i = 0; i + 1 < AGENTS.length; i++)
  builder.addEdge (AGENTS[i], AGENTS[i + 1]);
builder.addConditionalEdges (AGENTS[AGENTS.length - 1],
  (state) => state.messages.length > ROUNDS * AGENTS.length ? END : AGENTS[0]);

const graph = builder.compile ();
const result = await graph.invoke ({ messages: [new HumanMessage ({ content: TASK, name: 'user' })] },
                                   { recursionLimit: ROUNDS * AGENTS.length + 10 });
const messages = result.messages;
report (messages.length - 1, messages[messages.length - 1].content);
