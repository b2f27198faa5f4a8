// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI Agents SDK for JS: four Agents on the Chat Completions model;
// each turn runs the next agent, streamed, on the whole history so far
// (the run's history becomes the next run's input).
import OpenAI from 'openai';
import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled } from '@openai/agents';
import { SYSTEM, TASK, MODEL, AGENTS, ROUNDS, baseUrl, report } from './common.mjs';

setTracingDisabled (true);
const client = new OpenAI ({ baseURL: baseUrl (), apiKey: 'none', maxRetries: 0 });
const agents = AGENTS.map ((name) => new Agent ({
  name,
  instructions: SYSTEM,
  model: new OpenAIChatCompletionsModel (client, MODEL),
}));

let history = [{ role: 'user', content: TASK }];
let last = '';
for (let turn = 0; turn < ROUNDS * AGENTS.length; turn++) {
  const result = await run (agents[turn % agents.length], history, { stream: true });
  for await (const event of result)
    ;
  await result.completed;
  history = result.history;
  last = result.finalOutput;
}

report (history.length - 1, last);
