// SPDX-License-Identifier: GPL-3.0-or-later
// What every peer of the team benchmark shares: the same four agents, the
// same system message and task as bench-team-client.c, 200 rounds.
export const SYSTEM =
  'You are a helpful AI assistant. Solve tasks step by step using your language skills. ' +
  'Check your results and say when you are unsure. When the task is done, or cannot ' +
  'be done, reply "TERMINATE".';
export const TASK = 'Begin.';
export const MODEL = 'instant';
export const AGENTS = ['agent0', 'agent1', 'agent2', 'agent3'];
export const ROUNDS = 200;

export function baseUrl () {
  const url = process.argv[2];
  if (!url) {
    console.error(`usage: node ${process.argv[1]} BASE_URL   (such as http://127.0.0.1:PORT/v1)`);
    process.exit(2);
  }
  return url;
}

// One line the bench reads: replies made and characters of the last one.
export function report (replies, last) {
  console.log(JSON.stringify({ replies, last_reply: last }));
}
