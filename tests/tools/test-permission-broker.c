/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "da-permission-broker.h"
#include "da-store.h"
#include "tools-test-util.h"

typedef struct
{
  char               *dir;
  char               *db_path;
  DaStore            *store;
  DaPermissionBroker *broker;
  DaPermissions      *permissions;
  GPtrArray          *requests;     /* DaPermissionRequest asked */
  GPtrArray          *decided;      /* "decision kind target" */
  int                 auto_answer;  /* -1: keep the request pending */
} Fixture;

static void
prompter_cb (DaPermissionBroker  *broker,
             DaPermissionRequest *request,
             GCancellable        *cancellable,
             gpointer             user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->requests, g_object_ref (request));
  if (f->auto_answer >= 0)
    da_permission_request_answer (request, (DaPermissionAnswer) f->auto_answer);
}

static void
decided_cb (DaPermissionBroker *broker,
            const char         *agent,
            const char         *tool,
            const char         *kind,
            const char         *target,
            const char         *decision,
            const char         *reason,
            Fixture            *f)
{
  g_ptr_array_add (f->decided, g_strdup_printf ("%s %s %s", decision, kind, target));
}

static DaPermissionBroker *
new_broker (Fixture *f)
{
  DaPermissionBroker *broker = da_permission_broker_new (f->store);

  da_permission_broker_set_permissions (broker, "planner", f->permissions);
  g_signal_connect (broker, "decided", G_CALLBACK (decided_cb), f);
  return broker;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *denied = NULL;

  f->dir = tools_test_make_dir ();
  f->db_path = g_build_filename (f->dir, "history.db", NULL);
  f->store = da_store_new (f->db_path, &error);
  g_assert_no_error (error);

  allowed = g_build_filename (f->dir, "allowed", NULL);
  denied = g_build_filename (f->dir, "allowed", "secret", NULL);
  g_mkdir_with_parents (denied, 0700);
  f->permissions = da_permissions_new (f->dir);
  da_permissions_add_rule (f->permissions, DA_PERMISSION_READ, FALSE, allowed, &error);
  g_assert_no_error (error);
  da_permissions_add_rule (f->permissions, DA_PERMISSION_READ, TRUE, denied, &error);
  g_assert_no_error (error);

  f->requests = g_ptr_array_new_with_free_func (g_object_unref);
  f->decided = g_ptr_array_new_with_free_func (g_free);
  f->auto_answer = DA_PERMISSION_ANSWER_ONCE;
  f->broker = new_broker (f);
  da_permission_broker_set_prompter (f->broker, prompter_cb, f, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->broker);
  g_clear_object (&f->store);
  g_clear_object (&f->permissions);
  g_ptr_array_unref (f->requests);
  g_ptr_array_unref (f->decided);
  tools_test_remove_dir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

typedef struct
{
  gboolean              done;
  DaPermissionDecision  decision;
  char                 *reason;
  gboolean              explicit_target;
  GError               *error;
} Answer;

static void
answer_clear (Answer *a)
{
  g_clear_pointer (&a->reason, g_free);
  g_clear_error (&a->error);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Answer *a = user_data;

  a->decision = da_permission_broker_request_finish (DA_PERMISSION_BROKER (object), result,
                                                     &a->reason, &a->explicit_target, &a->error);
  a->done = TRUE;
}

static DaPermissionDecision
request (DaPermissionBroker *broker,
         DaPermissionKind    kind,
         const char         *target,
         char              **reason)
{
  Answer a = { 0 };
  DaPermissionDecision decision;

  da_permission_broker_request_async (broker, "planner", "read_file", kind, target, NULL,
                                      NULL, request_cb, &a);
  tools_test_wait (&a.done);
  g_assert_no_error (a.error);
  decision = a.decision;
  if (reason != NULL)
    *reason = g_steal_pointer (&a.reason);
  answer_clear (&a);
  return decision;
}

static guint
count_audit (Fixture    *f,
             const char *decision)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  entries = da_store_list_audit (f->store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      DaAuditEntry *entry = g_ptr_array_index (entries, i);

      g_assert_cmpstr (entry->agent, ==, "planner");
      if (g_strcmp0 (entry->decision, decision) == 0)
        n++;
    }
  return n;
}

static void
test_rule_allow_deny (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *inside = g_build_filename (f->dir, "allowed", "a.txt", NULL);
  g_autofree char *secret = g_build_filename (f->dir, "allowed", "secret", "key", NULL);
  g_autofree char *reason = NULL;

  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, inside, NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, secret, &reason), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_nonnull (strstr (reason, "--deny-read"));
  g_assert_cmpuint (f->requests->len, ==, 0);
  g_assert_cmpuint (count_audit (f, "allow"), ==, 1);
  g_assert_cmpuint (count_audit (f, "deny"), ==, 1);
}

static void
test_ask_once (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->dir, "other.txt", NULL);
  DaPermissionRequest *asked;

  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, outside, NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 1);
  asked = g_ptr_array_index (f->requests, 0);
  g_assert_cmpstr (da_permission_request_get_agent (asked), ==, "planner");
  g_assert_cmpstr (da_permission_request_get_tool (asked), ==, "read_file");
  g_assert_cmpstr (da_permission_request_get_target (asked), ==, outside);
  g_assert_cmpstr (da_permission_request_get_flag (asked), ==, "--allow-read");

  /* Once means once: the same target is asked again. */
  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, outside, NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpuint (count_audit (f, "ask"), ==, 2);
  g_assert_cmpuint (count_audit (f, "allow-once"), ==, 2);
  g_assert_cmpuint (da_permission_broker_list_grants (f->broker, "planner", NULL)->len, ==, 0);
}

static void
test_ask_deny (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->dir, "other.txt", NULL);
  g_autofree char *reason = NULL;

  f->auto_answer = DA_PERMISSION_ANSWER_DENY;
  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, outside, &reason), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpstr (reason, ==, "denied by the user");
  g_assert_cmpuint (count_audit (f, "deny"), ==, 1);
  g_assert_cmpuint (f->decided->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->decided, 0), "ask read "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->decided, 1), "deny read "));
}

static void
test_ask_always (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->dir, "other.txt", NULL);
  g_autoptr(DaPermissionBroker) second = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  DaGrant *grant;

  f->auto_answer = DA_PERMISSION_ANSWER_ALWAYS;
  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, outside, NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 1);

  /* Stored: a new broker on the same store allows without asking. */
  f->auto_answer = DA_PERMISSION_ANSWER_DENY;
  second = new_broker (f);
  da_permission_broker_set_prompter (second, prompter_cb, f, NULL);
  g_assert_cmpint (request (second, DA_PERMISSION_READ, outside, NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpuint (count_audit (f, "allow-always"), ==, 1);
  g_assert_cmpuint (count_audit (f, "allow"), ==, 1);

  /* For this agent only. */
  g_assert_cmpint (da_permission_broker_check (second, "critic", DA_PERMISSION_READ, outside, NULL),
                   ==, DA_PERMISSION_DECISION_ASK);

  grants = da_permission_broker_list_grants (second, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 1);
  grant = g_ptr_array_index (grants, 0);
  g_assert_cmpstr (grant->kind, ==, "read");
  g_assert_cmpstr (grant->target, ==, outside);

  /* Revocable: asked again afterwards. */
  g_assert_true (da_permission_broker_revoke (second, grant->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (request (second, DA_PERMISSION_READ, outside, NULL), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 2);
}

static void
test_run_grant_pinned (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *program = g_build_filename (f->dir, "tool.sh", NULL);
  g_autoptr(DaPermissionBroker) second = NULL;
  g_autoptr(DaPermissionBroker) third = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (program, "#!/bin/sh\necho one\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (program, 0755);

  f->auto_answer = DA_PERMISSION_ANSWER_ALWAYS;
  g_assert_cmpint (request (f->broker, DA_PERMISSION_RUN, program, NULL), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  grants = da_permission_broker_list_grants (f->broker, "planner", &error);
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpuint (strlen (((DaGrant *) g_ptr_array_index (grants, 0))->sha256), ==, 64);

  second = new_broker (f);
  g_assert_cmpint (da_permission_broker_check (second, "planner", DA_PERMISSION_RUN, program, NULL),
                   ==, DA_PERMISSION_DECISION_ALLOW);

  /* Another program under the same name is asked about again. */
  g_file_set_contents (program, "#!/bin/sh\necho two\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (program, 0755);
  third = new_broker (f);
  {
    g_autofree char *reason = NULL;

    g_assert_cmpint (da_permission_broker_check (third, "planner", DA_PERMISSION_RUN, program, &reason),
                     ==, DA_PERMISSION_DECISION_ASK);
    g_assert_nonnull (strstr (reason, "changed since granted"));
  }
}

/* An agent file's run rule carries the hash it was granted for: when the
 * program changed after the agent was saved, nobody is there to ask under
 * --no-prompt, and the denial and the audit log say what changed. */
static void
test_run_rule_changed (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *program = g_build_filename (f->dir, "tool.sh", NULL);
  g_autofree char *sha = NULL;
  g_autofree char *json = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DaPermissions) saved = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gboolean audited = FALSE;

  g_file_set_contents (program, "#!/bin/sh\necho one\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (program, 0755);
  sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "#!/bin/sh\necho one\n", -1);
  json = g_strdup_printf ("{\"run\": {\"allow\": [{\"path\": \"%s\", \"sha256\": \"%s\"}]}}", program, sha);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  saved = da_permissions_new_from_json (f->dir, node, "permissions", &error);
  g_assert_no_error (error);
  da_permission_broker_set_permissions (f->broker, "planner", saved);
  da_permission_broker_set_prompter (f->broker, NULL, NULL, NULL);

  g_assert_cmpint (request (f->broker, DA_PERMISSION_RUN, program, NULL), ==, DA_PERMISSION_DECISION_ALLOW);

  g_file_set_contents (program, "#!/bin/sh\necho two\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (program, 0755);
  g_assert_cmpint (request (f->broker, DA_PERMISSION_RUN, program, &reason), ==, DA_PERMISSION_DECISION_DENY);
  g_test_message ("%s", reason);
  g_assert_true (g_str_has_prefix (reason, "no one to ask (run with --allow-run or without --no-prompt): "));
  g_assert_nonnull (strstr (reason, "changed since granted"));

  audit = da_store_list_audit (f->store, 10, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      DaAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->decision, "deny") == 0 && g_strcmp0 (entry->kind, "run") == 0 &&
          entry->reason != NULL && strstr (entry->reason, "changed since granted") != NULL)
        audited = TRUE;
    }
  g_assert_true (audited);
}

static DaPermissionDecision
request_run (DaPermissionBroker *broker,
             const char         *tool,
             const char         *program,
             const char         *detail)
{
  Answer a = { 0 };
  DaPermissionDecision decision;

  da_permission_broker_request_async (broker, "planner", tool, DA_PERMISSION_RUN, program, detail,
                                      NULL, request_cb, &a);
  tools_test_wait (&a.done);
  g_assert_no_error (a.error);
  decision = a.decision;
  answer_clear (&a);
  return decision;
}

/* "Always" for a shell command allows that exact command line, not the
 * shell: `ls -la` granted does not let `rm -rf ~` through. */
static void
test_shell_grant_exact (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(DaPermissionBroker) second = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "ls -la", -1);
  DaPermissionRequest *asked;
  DaGrant *grant;

  f->auto_answer = DA_PERMISSION_ANSWER_ALWAYS;
  g_assert_cmpint (request_run (f->broker, "run_shell_command", "sh", "ls -la"), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 1);
  asked = g_ptr_array_index (f->requests, 0);
  g_assert_true (da_permission_request_get_always_exact (asked));
  g_assert_cmpstr (da_permission_request_get_detail (asked), ==, "ls -la");

  /* The same command again: granted without asking. */
  f->auto_answer = DA_PERMISSION_ANSWER_DENY;
  g_assert_cmpint (request_run (f->broker, "run_shell_command", "sh", "ls -la"), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 1);

  /* Another command line for the same shell is asked (and denied here). */
  g_assert_cmpint (request_run (f->broker, "run_shell_command", "sh", "rm -rf ~"), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpint (request_run (f->broker, "run_shell_command", "sh", "ls -la "), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 3);
  /* Nor does the grant cover the shell as a program. */
  g_assert_cmpint (da_permission_broker_check (f->broker, "planner", DA_PERMISSION_RUN, "sh", NULL),
                   ==, DA_PERMISSION_DECISION_ASK);

  /* Stored: a new broker on the same history agrees. */
  second = new_broker (f);
  da_permission_broker_set_prompter (second, prompter_cb, f, NULL);
  g_assert_cmpint (request_run (second, "run_shell_command", "sh", "ls -la"), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 3);
  g_assert_cmpint (request_run (second, "run_shell_command", "sh", "rm -rf ~"), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 4);

  grants = da_permission_broker_list_grants (second, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 1);
  grant = g_ptr_array_index (grants, 0);
  g_assert_cmpstr (grant->target, ==, "sh");
  g_assert_cmpstr (grant->detail, ==, "ls -la");
  g_assert_cmpstr (grant->detail_sha256, ==, digest);
  g_assert_cmpuint (strlen (grant->sha256), ==, 64);

  /* Revoked: asked again. */
  g_assert_true (da_permission_broker_revoke (second, grant->id, &error));
  g_assert_cmpint (request_run (second, "run_shell_command", "sh", "ls -la"), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 5);
}

/* The grant of a command is pinned to the shell's content too. */
static void
test_shell_grant_pinned (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *shell = g_build_filename (f->dir, "mysh", NULL);
  g_autoptr(DaPermissionBroker) second = NULL;
  g_autoptr(DaPermissionBroker) third = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (shell, "#!/bin/sh\nexec /bin/sh \"$@\"\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (shell, 0755);

  f->auto_answer = DA_PERMISSION_ANSWER_ALWAYS;
  g_assert_cmpint (request_run (f->broker, "run_shell_command", shell, "date"), ==,
                   DA_PERMISSION_DECISION_ALLOW);

  f->auto_answer = DA_PERMISSION_ANSWER_DENY;
  second = new_broker (f);
  da_permission_broker_set_prompter (second, prompter_cb, f, NULL);
  g_assert_cmpint (request_run (second, "run_shell_command", shell, "date"), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpuint (f->requests->len, ==, 1);

  g_file_set_contents (shell, "#!/bin/sh\necho replaced\n", -1, &error);
  g_assert_no_error (error);
  third = new_broker (f);
  da_permission_broker_set_prompter (third, prompter_cb, f, NULL);
  g_assert_cmpint (request_run (third, "run_shell_command", shell, "date"), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 2);
}

/* run_python: "always" is bound to the script's hash. */
static void
test_python_grant_exact (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) grants = NULL;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "print(1)\n", -1);

  f->auto_answer = DA_PERMISSION_ANSWER_ALWAYS;
  g_assert_cmpint (request_run (f->broker, "run_python", "python3", "print(1)\n"), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  f->auto_answer = DA_PERMISSION_ANSWER_DENY;
  g_assert_cmpint (request_run (f->broker, "run_python", "python3", "print(1)\n"), ==,
                   DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (request_run (f->broker, "run_python", "python3",
                                "import shutil; shutil.rmtree('/')\n"), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (f->requests->len, ==, 2);

  grants = da_permission_broker_list_grants (f->broker, "planner", NULL);
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpstr (((DaGrant *) g_ptr_array_index (grants, 0))->detail_sha256, ==, digest);
}

/* Two different commands waiting at once are two questions. */
static void
test_shell_prompts_apart (Fixture       *f,
                          gconstpointer  data)
{
  Answer a = { 0 }, b = { 0 }, c = { 0 };

  f->auto_answer = -1;
  da_permission_broker_request_async (f->broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "ls", NULL, request_cb, &a);
  da_permission_broker_request_async (f->broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "rm -rf ~", NULL, request_cb, &b);
  da_permission_broker_request_async (f->broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "ls", NULL, request_cb, &c);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (da_permission_request_get_detail (g_ptr_array_index (f->requests, 1)), ==,
                   "rm -rf ~");

  da_permission_request_answer (g_ptr_array_index (f->requests, 0), DA_PERMISSION_ANSWER_ONCE);
  da_permission_request_answer (g_ptr_array_index (f->requests, 1), DA_PERMISSION_ANSWER_DENY);
  tools_test_wait (&a.done);
  tools_test_wait (&b.done);
  tools_test_wait (&c.done);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (b.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_assert_cmpint (c.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  answer_clear (&a);
  answer_clear (&b);
  answer_clear (&c);
}

static void
test_no_prompter (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->dir, "other.txt", NULL);
  g_autofree char *reason = NULL;

  da_permission_broker_set_prompter (f->broker, NULL, NULL, NULL);
  g_assert_false (da_permission_broker_has_prompter (f->broker));
  g_assert_cmpint (request (f->broker, DA_PERMISSION_NET, "example.com:443", &reason), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpstr (reason, ==, "no one to ask (run with --allow-net or without --no-prompt)");
  g_assert_cmpint (request (f->broker, DA_PERMISSION_READ, outside, NULL), ==,
                   DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (count_audit (f, "deny"), ==, 2);
}

static void
test_shared_prompt (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->dir, "other.txt", NULL);
  Answer a = { 0 }, b = { 0 }, c = { 0 };

  f->auto_answer = -1;
  da_permission_broker_request_async (f->broker, "planner", "read_file", DA_PERMISSION_READ,
                                      outside, NULL, NULL, request_cb, &a);
  da_permission_broker_request_async (f->broker, "planner", "list_directory", DA_PERMISSION_READ,
                                      outside, NULL, NULL, request_cb, &b);
  da_permission_broker_request_async (f->broker, "planner", "read_file", DA_PERMISSION_WRITE,
                                      outside, NULL, NULL, request_cb, &c);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_false (a.done || b.done || c.done);

  da_permission_request_answer (g_ptr_array_index (f->requests, 0), DA_PERMISSION_ANSWER_ONCE);
  tools_test_wait (&a.done);
  tools_test_wait (&b.done);
  g_assert_cmpint (a.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_cmpint (b.decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_true (a.explicit_target);
  g_assert_false (c.done);

  /* A second answer is ignored. */
  da_permission_request_answer (g_ptr_array_index (f->requests, 0), DA_PERMISSION_ANSWER_DENY);
  da_permission_request_answer (g_ptr_array_index (f->requests, 1), DA_PERMISSION_ANSWER_DENY);
  tools_test_wait (&c.done);
  g_assert_cmpint (c.decision, ==, DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (count_audit (f, "allow-once"), ==, 2);
  answer_clear (&a);
  answer_clear (&b);
  answer_clear (&c);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->dir, "other.txt", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Answer a = { 0 };
  DaPermissionRequest *asked;

  f->auto_answer = -1;
  da_permission_broker_request_async (f->broker, "planner", "read_file", DA_PERMISSION_READ,
                                      outside, NULL, cancellable, request_cb, &a);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_cancellable_cancel (cancellable);
  tools_test_wait (&a.done);
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  answer_clear (&a);

  /* The answer that comes too late changes nothing. */
  asked = g_ptr_array_index (f->requests, 0);
  da_permission_request_answer (asked, DA_PERMISSION_ANSWER_ALWAYS);
  g_assert_cmpuint (da_permission_broker_list_grants (f->broker, "planner", NULL)->len, ==, 0);
}

static void
test_display_escaped (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *target = g_strdup_printf ("%s/\x1b[31mred\u202e\u200b", f->dir);
  g_autofree char *shown = NULL;
  g_autofree char *phrase = NULL;
  DaPermissionRequest *asked;

  f->auto_answer = DA_PERMISSION_ANSWER_DENY;
  request (f->broker, DA_PERMISSION_READ, target, NULL);
  asked = g_ptr_array_index (f->requests, 0);
  g_assert_cmpstr (da_permission_request_get_target (asked), ==, target);
  shown = da_permission_request_get_display_target (asked);
  phrase = da_permission_request_describe (asked);
  for (const char *s = shown; *s; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);

      g_assert_false (c < 0x20 || c == 0x7f || c == 0x202e || c == 0x200b);
    }
  g_assert_null (strchr (phrase, '\x1b'));
  g_assert_nonnull (strstr (phrase, "read access to"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/permission-broker/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("rule-allow-deny", test_rule_allow_deny);
  ADD ("ask-once", test_ask_once);
  ADD ("ask-deny", test_ask_deny);
  ADD ("ask-always", test_ask_always);
  ADD ("run-grant-pinned", test_run_grant_pinned);
  ADD ("shell-grant-exact", test_shell_grant_exact);
  ADD ("shell-grant-pinned", test_shell_grant_pinned);
  ADD ("python-grant-exact", test_python_grant_exact);
  ADD ("shell-prompts-apart", test_shell_prompts_apart);
  ADD ("run-rule-changed", test_run_rule_changed);
  ADD ("no-prompter", test_no_prompter);
  ADD ("shared-prompt", test_shared_prompt);
  ADD ("cancel", test_cancel);
  ADD ("display-escaped", test_display_escaped);
#undef ADD

  return g_test_run ();
}
