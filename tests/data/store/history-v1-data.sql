-- SPDX-License-Identifier: GPL-3.0-or-later
-- History as version 1 wrote it: two conversations, tool calls, a reply
-- that was still streaming when the program died, usage, one library agent.

INSERT INTO conversations (id, title, team_name, created_at, updated_at, pinned)
VALUES (1, 'Trip to Lisbon', 'travel', 1700000000000000, 1700000000000000, 1),
       (2, 'Quick question', NULL, 1700000500000000, 1700000500000000, 0);

INSERT INTO messages (id, conversation_id, role, agent, content, state, tool_calls,
                      tool_call_id, prompt_tokens, completion_tokens, finish_reason,
                      error_message, created_at, updated_at)
VALUES (1, 1, 'user', 'user', 'Plan three days in Lisbon, please.', 'complete', NULL,
        NULL, 0, 0, NULL, NULL, 1700000001000000, 1700000001000000),
       (2, 1, 'assistant', 'planner', 'Let me read your notes first.', 'complete',
        '[{"id":"call_1","name":"read_file","arguments":"{\"path\":\"~/Trips/lisbon.md\"}"}]',
        NULL, 100, 40, 'tool_calls', NULL, 1700000002000000, 1700000002000000),
       (3, 1, 'tool', 'planner', 'Must eat: pastéis de nata in Belém.', 'complete', NULL,
        'call_1', 0, 0, NULL, NULL, 1700000003000000, 1700000003000000),
       (4, 1, 'assistant', 'planner', 'Day one: Alfama and the castle, then', 'streaming', NULL,
        NULL, 0, 0, NULL, NULL, 1700000004000000, 1700000004000000),
       (5, 2, 'user', 'user', 'What is the capital of Portugal?', 'complete', NULL,
        NULL, 0, 0, NULL, NULL, 1700000500000000, 1700000500000000);

INSERT INTO usage (conversation_id, message_id, agent, provider_kind, model,
                   prompt_tokens, completion_tokens, created_at)
VALUES (1, 2, 'planner', 'openai', 'llama3.2', 100, 40, 1700000002000000),
       (2, NULL, 'planner', 'openai', 'llama3.2', 20, 5, 1700000500000000);

INSERT INTO agents (name, config_json, created_at, updated_at)
VALUES ('planner', '{"name":"planner","kind":"assistant"}', 1700000000000000, 1700000000000000);
