/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "da-builtin-tool.h"
#include "da-permission-broker.h"
#include "da-sandbox-runner-private.h"
#include "da-tool-error.h"
#include "da-tool-registry.h"
#include "tools-test-util.h"

typedef struct
{
  char               *dir;
  DaPermissions      *permissions;
  DaSandboxRunner    *runner;
  DaPermissionBroker *broker;
  DaToolRegistry     *registry;
  GPtrArray          *decided;
} Fixture;

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

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = tools_test_make_dir ();
  f->permissions = da_permissions_new (f->dir);
  f->runner = da_sandbox_runner_new (NULL);
  f->broker = da_permission_broker_new (NULL);
  da_permission_broker_set_permissions (f->broker, "planner", f->permissions);
  f->decided = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->broker, "decided", G_CALLBACK (decided_cb), f);
  f->registry = da_tool_registry_new ();
  for (const char * const *n = da_builtin_tool_get_names (); *n != NULL; n++)
    g_assert_true (da_builtin_tools_add (f->registry, *n, NULL));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->registry);
  g_clear_object (&f->broker);
  g_clear_object (&f->runner);
  g_clear_object (&f->permissions);
  g_ptr_array_unref (f->decided);
  tools_test_remove_dir (f->dir);
  g_free (f->dir);
}

static DaToolContext *
new_context (Fixture    *f,
             const char *tool)
{
  return da_tool_context_new ("planner", tool, f->permissions, f->runner, f->broker);
}

typedef struct
{
  gboolean      done;
  DaToolResult *result;
  GError       *error;
} RunResult;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunResult *r = user_data;

  r->result = da_tool_run_finish (DA_TOOL (object), result, &r->error);
  r->done = TRUE;
}

/* Validates, grants what the call needs (as the broker would have) and
 * runs the call in the sandbox. */
static DaToolResult *
run_tool (Fixture      *f,
          const char   *name,
          const char   *arguments,
          gboolean      grant,
          GCancellable *cancellable,
          GError      **error)
{
  g_autoptr(DaToolCall) call = da_tool_call_new ("call_1", name, arguments);
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(DaToolContext) context = new_context (f, name);
  g_autoptr(GPtrArray) needed = NULL;
  RunResult r = { 0 };
  DaTool *tool;

  tool = da_tool_registry_prepare_call (f->registry, call, &args, error);
  if (tool == NULL)
    return NULL;
  needed = da_tool_permissions_for (tool, context, args, error);
  if (needed == NULL)
    return NULL;
  for (guint i = 0; grant && i < needed->len; i++)
    {
      DaToolPermission *p = g_ptr_array_index (needed, i);

      da_tool_context_add_granted (context, p->kind, p->target, TRUE);
    }

  da_tool_run_async (tool, context, args, cancellable, run_cb, &r);
  tools_test_wait (&r.done);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.result;
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  static const struct {
    const char *tool;
    const char *arguments;
    int         code;
    const char *message;
  } cases[] = {
    { "read_file", "{\"path\": ", DA_TOOL_ERROR_INVALID_ARGUMENTS, "not valid JSON" },
    { "read_file", "[\"/etc\"]", DA_TOOL_ERROR_INVALID_ARGUMENTS, "must be a JSON object" },
    { "read_file", "", DA_TOOL_ERROR_INVALID_ARGUMENTS, "path" },
    { "read_file", "{\"path\": 7}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "$.path" },
    { "read_file", "{\"path\": \"\"}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "$.path" },
    { "read_file", "{\"path\": \"a\", \"mode\": 1}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "mode" },
    { "read_file", "{\"path\": \"a\", \"max_bytes\": 0}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "$.max_bytes" },
    { "write_file", "{\"path\": \"a\"}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "content" },
    { "write_file", "{\"path\": \"a\", \"content\": \"x\", \"append\": \"yes\"}",
      DA_TOOL_ERROR_INVALID_ARGUMENTS, "$.append" },
    { "fetch_url", "{\"url\": \"file:///etc/passwd\"}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "$.url" },
    { "run_shell_command", "{\"command\": [\"ls\"]}", DA_TOOL_ERROR_INVALID_ARGUMENTS, "$.command" },
    { "delete_everything", "{}", DA_TOOL_ERROR_UNKNOWN_TOOL, "read_file" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DaToolCall) call = da_tool_call_new ("c", cases[i].tool, cases[i].arguments);
      g_autoptr(JsonObject) args = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s %s", i, cases[i].tool, cases[i].arguments);
      g_assert_null (da_tool_registry_prepare_call (f->registry, call, &args, &error));
      g_assert_error (error, DA_TOOL_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_null (strchr (error->message, '\n'));
    }

  {
    g_autoptr(DaToolCall) call = da_tool_call_new ("c", "read_file", "{\"path\": \"notes.txt\"}");
    g_autoptr(JsonObject) args = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (da_tool_registry_prepare_call (f->registry, call, &args, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (args, "path"), ==, "notes.txt");
  }
}

static void
test_openai (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonNode) tools = da_tool_registry_to_openai (f->registry);
  g_autoptr(DaToolRegistry) empty = da_tool_registry_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_null (da_tool_registry_to_openai (empty));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (tools));
  array = json_node_get_array (tools);
  g_assert_cmpuint (json_array_get_length (array), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      JsonObject *function = json_object_get_object_member (entry, "function");

      g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "function");
      g_assert_cmpstr (json_object_get_string_member (function, "name"), ==,
                       da_builtin_tool_get_names ()[i]);
      g_assert_true (json_object_has_member (function, "parameters"));
    }

  g_assert_false (da_builtin_tools_add (empty, "format_disk", &error));
  g_assert_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_UNKNOWN_TOOL);
}

static GPtrArray *
permissions_of (Fixture    *f,
                const char *name,
                const char *arguments,
                GError    **error)
{
  g_autoptr(DaToolCall) call = da_tool_call_new ("c", name, arguments);
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(DaToolContext) context = new_context (f, name);
  DaTool *tool = da_tool_registry_prepare_call (f->registry, call, &args, error);

  g_assert_nonnull (tool);
  return da_tool_permissions_for (tool, context, args, error);
}

static void
test_permissions_for (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (f->dir, "notes.txt", NULL);
  DaToolPermission *perm;

  p = permissions_of (f, "read_file", "{\"path\": \"sub/../notes.txt\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->len, ==, 1);
  perm = g_ptr_array_index (p, 0);
  g_assert_cmpint (perm->kind, ==, DA_PERMISSION_READ);
  g_assert_cmpstr (perm->target, ==, expected);
  g_clear_pointer (&p, g_ptr_array_unref);

  p = permissions_of (f, "write_file", "{\"path\": \"/x/../../etc/passwd\", \"content\": \"\"}", &error);
  perm = g_ptr_array_index (p, 0);
  g_assert_cmpint (perm->kind, ==, DA_PERMISSION_WRITE);
  g_assert_cmpstr (perm->target, ==, "/etc/passwd");
  g_clear_pointer (&p, g_ptr_array_unref);

  p = permissions_of (f, "run_shell_command", "{\"command\": \"ls -la\"}", &error);
  perm = g_ptr_array_index (p, 0);
  g_assert_cmpint (perm->kind, ==, DA_PERMISSION_RUN);
  g_assert_cmpstr (perm->target, ==, "sh");
  g_assert_cmpstr (perm->detail, ==, "ls -la");
  g_clear_pointer (&p, g_ptr_array_unref);

  p = permissions_of (f, "fetch_url", "{\"url\": \"https://Example.com/a?b\"}", &error);
  perm = g_ptr_array_index (p, 0);
  g_assert_cmpint (perm->kind, ==, DA_PERMISSION_NET);
  g_assert_cmpstr (perm->target, ==, "example.com:443");
  g_clear_pointer (&p, g_ptr_array_unref);

  p = permissions_of (f, "fetch_url", "{\"url\": \"http://[::1]:8080/\"}", &error);
  g_assert_cmpstr (((DaToolPermission *) g_ptr_array_index (p, 0))->target, ==, "[::1]:8080");
  g_clear_pointer (&p, g_ptr_array_unref);

  g_assert_null (permissions_of (f, "fetch_url", "{\"url\": \"http://user:pw@example.com/\"}", &error));
  g_assert_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS);
}

static void
write_file (const char *path,
            const char *content)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);
}

static void
test_read_file (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "notes.txt", NULL);
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(DaToolResult) missing = NULL;
  g_autoptr(GError) error = NULL;

  write_file (path, "line one\nline two\n");
  result = run_tool (f, "read_file", "{\"path\": \"notes.txt\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  g_assert_true (result->sandboxed);
  g_assert_cmpint (result->exit_status, ==, 0);
  g_assert_cmpint (result->isolation, ==, DA_ISOLATION_STRICT);
  g_assert_cmpstr (result->content, ==, "line one\nline two\n");

  g_clear_pointer (&result, da_tool_result_free);
  result = run_tool (f, "read_file", "{\"path\": \"notes.txt\", \"max_bytes\": 4}", TRUE, NULL, &error);
  g_assert_cmpstr (result->content, ==, "line");

  missing = run_tool (f, "read_file", "{\"path\": \"absent.txt\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (missing->ok);
  g_assert_nonnull (strstr (missing->content, "No such file"));
}

static void
test_sandbox_confines (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *granted = g_build_filename (f->dir, "granted.txt", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.txt", NULL);
  g_autofree char *args = NULL;
  g_autoptr(DaToolCall) call = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(DaToolContext) context = new_context (f, "run_shell_command");
  RunResult r = { 0 };
  DaTool *tool;

  write_file (granted, "granted\n");
  write_file (other, "other\n");

  /* A grant for one file does not bring its neighbours into the sandbox. */
  args = g_strdup_printf ("{\"command\": \"cat %s; cat %s; cat /etc/hostname\"}", granted, other);
  call = da_tool_call_new ("c", "run_shell_command", args);
  tool = da_tool_registry_prepare_call (f->registry, call, &parsed, NULL);
  da_tool_context_add_granted (context, DA_PERMISSION_READ, granted, TRUE);
  da_tool_run_async (tool, context, parsed, NULL, run_cb, &r);
  tools_test_wait (&r.done);
  g_assert_no_error (r.error);
  g_assert_false (r.result->ok);
  g_assert_nonnull (strstr (r.result->content, "stdout:\ngranted\n"));
  g_assert_null (strstr (r.result->content, "other\n"));
  g_assert_nonnull (strstr (r.result->content, "No such file"));
  da_tool_result_free (r.result);
}

/* A writable file inside a folder granted read-only, and a read-only
 * folder inside a writable one: the helper binds them nested. */
static void
test_nested_grants (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ro = g_build_filename (f->dir, "ro", NULL);
  g_autofree char *log = g_build_filename (ro, "log.txt", NULL);
  g_autofree char *other = g_build_filename (ro, "other.txt", NULL);
  g_autofree char *rw = g_build_filename (f->dir, "rw", NULL);
  g_autofree char *rw_sub = g_build_filename (rw, "sub", NULL);
  g_autofree char *args = NULL;
  g_autofree char *content = NULL;
  g_autoptr(DaToolCall) call = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(DaToolContext) context = new_context (f, "run_shell_command");
  RunResult r = { 0 };
  DaTool *tool;

  g_mkdir (ro, 0755);
  g_mkdir_with_parents (rw_sub, 0755);
  write_file (log, "one\n");
  write_file (other, "other\n");

  args = g_strdup_printf ("{\"command\": \"echo two >> %s; cat %s %s; touch %s/new; touch %s/new && echo made\"}",
                          log, log, other, ro, rw_sub);
  call = da_tool_call_new ("c", "run_shell_command", args);
  tool = da_tool_registry_prepare_call (f->registry, call, &parsed, NULL);
  da_tool_context_add_granted (context, DA_PERMISSION_READ, ro, TRUE);
  da_tool_context_add_granted (context, DA_PERMISSION_WRITE, log, TRUE);
  da_tool_context_add_granted (context, DA_PERMISSION_WRITE, rw, TRUE);
  da_tool_context_add_granted (context, DA_PERMISSION_READ, rw_sub, TRUE);
  da_tool_run_async (tool, context, parsed, NULL, run_cb, &r);
  tools_test_wait (&r.done);
  g_assert_no_error (r.error);
  g_test_message ("%s", r.result->content);
  /* touch in the read-only folder fails, so the status is not 0. */
  g_assert_nonnull (strstr (r.result->content, "stdout:\none\ntwo\nother\nmade\n"));
  g_assert_nonnull (strstr (r.result->content, "Read-only file system"));
  g_file_get_contents (log, &content, NULL, NULL);
  g_assert_cmpstr (content, ==, "one\ntwo\n");
  da_tool_result_free (r.result);
}

static void
test_write_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "out.txt", NULL);
  g_autofree char *sibling = g_build_filename (f->dir, "sibling.txt", NULL);
  g_autofree char *content = NULL;
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(GError) error = NULL;

  write_file (sibling, "untouched\n");
  result = run_tool (f, "write_file", "{\"path\": \"out.txt\", \"content\": \"hello\\n\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "hello\n");
  g_clear_pointer (&content, g_free);
  g_clear_pointer (&result, da_tool_result_free);

  result = run_tool (f, "write_file", "{\"path\": \"out.txt\", \"content\": \"more\\n\", \"append\": true}",
                     TRUE, NULL, &error);
  g_assert_true (result->ok);
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "hello\nmore\n");
  g_clear_pointer (&content, g_free);
  g_clear_pointer (&result, da_tool_result_free);

  result = run_tool (f, "write_file", "{\"path\": \"out.txt\", \"content\": \"new\"}", TRUE, NULL, &error);
  g_assert_true (g_file_get_contents (path, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "new");
  g_clear_pointer (&content, g_free);
  g_assert_true (g_file_get_contents (sibling, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "untouched\n");
  g_clear_pointer (&result, da_tool_result_free);

  g_assert_null (run_tool (f, "write_file", "{\"path\": \"no/such/dir/x\", \"content\": \"\"}",
                           TRUE, NULL, &error));
  g_assert_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_FAILED);
}

static void
test_list_directory (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *a = g_build_filename (f->dir, "b.txt", NULL);
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir (sub, 0700);
  write_file (a, "12345");
  result = run_tool (f, "list_directory", "{\"path\": \".\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  g_assert_cmpstr (result->content, ==, "b.txt (5 bytes)\nsub/\n");
}

static void
test_shell_command (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(DaToolResult) failed = NULL;
  g_autoptr(GError) error = NULL;

  result = run_tool (f, "run_shell_command", "{\"command\": \"echo hi; echo oops >&2\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  g_assert_cmpstr (result->content, ==, "exit status 0\nstdout:\nhi\nstderr:\noops\n");

  failed = run_tool (f, "run_shell_command", "{\"command\": \"exit 3\"}", TRUE, NULL, &error);
  g_assert_false (failed->ok);
  g_assert_cmpint (failed->exit_status, ==, 3);
}

static void
test_python_denial_reported (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(DaToolResult) denied = NULL;
  g_autoptr(GError) error = NULL;
  gboolean audited = FALSE;

  result = run_tool (f, "run_python", "{\"code\": \"print(6 * 7)\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  g_assert_cmpstr (result->content, ==, "exit status 0\nstdout:\n42\n");
  g_assert_cmpuint (result->denials->len, ==, 0);

  denied = run_tool (f, "run_python",
                     "{\"code\": \"import ctypes\\nlibc = ctypes.CDLL(None)\\n"
                     "print(libc.ptrace(0, 0, 0, 0))\"}", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (denied->content, ==, "exit status 0\nstdout:\n-1\n");
  g_assert_cmpuint (denied->denials->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (denied->denials, 0), ==, "seccomp: ptrace");
  for (guint i = 0; i < f->decided->len; i++)
    audited |= g_strcmp0 (g_ptr_array_index (f->decided, i), "deny-sandbox seccomp ptrace") == 0;
  g_assert_true (audited);
}

static void
upstream_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  const char *other = user_data;

  if (g_str_equal (path, "/redirect"))
    {
      soup_server_message_set_redirect (msg, 302, other);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, "fetched body", 12);
}

static guint16
start_server (SoupServer **server,
              gpointer     data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  *server = soup_server_new (NULL, NULL);
  soup_server_add_handler (*server, NULL, upstream_cb, data, NULL);
  soup_server_listen_local (*server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (*server);
  return (guint16) g_uri_get_port (uris->data);
}

static void
test_fetch_url (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(SoupServer) elsewhere = NULL;
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(DaToolResult) redirected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *args = NULL;
  g_autofree char *other_url = NULL;
  g_autofree char *denied = NULL;
  guint16 port, other_port;

  other_port = start_server (&elsewhere, NULL);
  other_url = g_strdup_printf ("http://127.0.0.1:%u/", other_port);
  port = start_server (&server, other_url);

  args = g_strdup_printf ("{\"url\": \"http://127.0.0.1:%u/page\"}", port);
  result = run_tool (f, "fetch_url", args, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  g_assert_cmpint (result->isolation, ==, DA_ISOLATION_MODERATE);
  g_assert_cmpstr (result->content, ==, "HTTP 200 text/plain\n\nfetched body");

  /* The redirect leads to a host the call did not name: the proxy asks
   * the broker, which has no one to ask. */
  g_free (args);
  args = g_strdup_printf ("{\"url\": \"http://127.0.0.1:%u/redirect\"}", port);
  redirected = run_tool (f, "fetch_url", args, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (redirected->ok);
  denied = g_strdup_printf ("deny net 127.0.0.1:%u", other_port);
  g_assert_cmpstr (g_ptr_array_index (f->decided, f->decided->len - 1), ==, denied);
  g_assert_cmpuint (redirected->denials->len, >=, 1);
}

/* The name is allowed, the address it resolves to is denied: the proxy
 * refuses it, and the denial reaches the result and the audit signal.
 * The machine's own name resolves to a loopback address here without
 * being "localhost" (which the rules treat as loopback by name). */
static void
test_fetch_url_denied_address (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(DaToolResult) allowed = NULL;
  g_autoptr(DaToolResult) refused = NULL;
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *args = NULL;
  g_autofree char *denial = NULL;
  g_autofree char *host = g_ascii_strdown (g_get_host_name (), -1);
  GList *addresses;
  gboolean loopback = TRUE;
  guint16 port;

  addresses = g_resolver_lookup_by_name (resolver, host, NULL, NULL);
  for (GList *l = addresses; l != NULL; l = l->next)
    loopback &= g_inet_address_get_is_loopback (l->data);
  g_resolver_free_addresses (addresses);
  if (addresses == NULL || !loopback || strcmp (host, "localhost") == 0)
    {
      g_test_skip ("the host name does not resolve to loopback addresses only");
      return;
    }

  port = start_server (&server, NULL);
  args = g_strdup_printf ("{\"url\": \"http://%s:%u/page\"}", host, port);
  da_permissions_add_flag (f->permissions, "allow-net", host, &error);
  g_assert_no_error (error);

  /* Control: allowed by name, nothing denies the address. */
  allowed = run_tool (f, "fetch_url", args, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("allowed: %s", allowed->content);
  g_assert_true (allowed->ok);
  g_assert_nonnull (strstr (allowed->content, "fetched body"));

  da_permissions_add_flag (f->permissions, "deny-net", "127.0.0.0/8,::1", &error);
  g_assert_no_error (error);
  refused = run_tool (f, "fetch_url", args, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("refused: %s", refused->content);
  g_assert_false (refused->ok);
  g_assert_null (strstr (refused->content, "fetched body"));
  g_assert_nonnull (strstr (refused->content, "which is denied"));
  denial = g_strdup_printf ("net: 127.0.0.1:%u (resolved from %s)", port, host);
  g_assert_true (g_ptr_array_find_with_equal_func (refused->denials, denial, g_str_equal, NULL));

  /* The audit signal carries the refusal of the address. */
  g_free (denial);
  denial = g_strdup_printf ("deny-sandbox net 127.0.0.1:%u", port);
  g_assert_true (g_ptr_array_find_with_equal_func (f->decided, denial, g_str_equal, NULL));
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DaToolResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_timeout_add (100, cancel_cb, cancellable);
  result = run_tool (f, "run_shell_command", "{\"command\": \"sleep 600\"}", TRUE, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
runner_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  DaSandboxRun *run = da_sandbox_runner_run_finish (DA_SANDBOX_RUNNER (object), result, error);

  g_assert_null (run);
  g_assert_nonnull (*error);
}

static void
test_sandbox_setup_error (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) policy = json_from_string ("{\"isolation\": \"strict\", \"bogus\": 1}", NULL);
  const char * const argv[] = { "/bin/true", NULL };
  g_autoptr(GError) error = NULL;

  da_sandbox_runner_run_async (f->runner, policy, argv, NULL, NULL, runner_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_SANDBOX);
  g_assert_nonnull (strstr (error->message, "bogus"));
}

static void
test_report_fixtures (void)
{
  static const struct { const char *file; gboolean valid; guint n; } fixtures[] = {
    { "report-valid.jsonl", TRUE, 5 },
    { "report-valid-landlock.jsonl", TRUE, 5 },
    { "report-escaped-nul.jsonl", TRUE, 1 },
    { "report-invalid-no-syscall.jsonl", FALSE, 1 },
    { "report-invalid-unknown.jsonl", FALSE, 1 },
    { "report-invalid-array.jsonl", FALSE, 1 },
    { "report-invalid-truncated.jsonl", FALSE, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "tools", fixtures[i].file, NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(GError) error = NULL;
      guint n = 0;

      g_file_get_contents (path, &text, NULL, &error);
      g_assert_no_error (error);
      lines = g_strsplit (text, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          g_autoptr(DaSandboxReport) report = NULL;
          g_autoptr(GError) parse_error = NULL;

          if (lines[l][0] == '\0')
            continue;
          n++;
          report = _da_sandbox_report_parse (lines[l], strlen (lines[l]), &parse_error);
          if (fixtures[i].valid)
            {
              g_assert_no_error (parse_error);
              g_assert_nonnull (report->type);
            }
          else
            g_assert_error (parse_error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL);
        }
      g_assert_cmpuint (n, ==, fixtures[i].n);
    }

  {
    g_autoptr(DaSandboxReport) report = NULL;
    const char line[] = "{\"type\":\"seccomp\",\"syscall\":\"ptrace\",\"pid\":2}";

    report = _da_sandbox_report_parse (line, sizeof line - 1, NULL);
    g_assert_cmpstr (report->type, ==, "seccomp");
    g_assert_cmpstr (report->detail, ==, "ptrace");
  }

  {
    g_autoptr(DaSandboxReport) path = NULL;
    g_autoptr(DaSandboxReport) port = NULL;
    const char line1[] = "{\"type\":\"landlock\",\"access\":\"fs.read_file\",\"path\":\"/etc/shadow\"}";
    const char line2[] = "{\"type\":\"landlock\",\"access\":\"net.connect_tcp\",\"port\":80}";

    path = _da_sandbox_report_parse (line1, sizeof line1 - 1, NULL);
    g_assert_cmpstr (path->detail, ==, "fs.read_file /etc/shadow");
    port = _da_sandbox_report_parse (line2, sizeof line2 - 1, NULL);
    g_assert_cmpstr (port->detail, ==, "net.connect_tcp port 80");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tools/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("validation", test_validation);
  ADD ("openai", test_openai);
  ADD ("permissions-for", test_permissions_for);
  ADD ("read-file", test_read_file);
  ADD ("sandbox-confines", test_sandbox_confines);
  ADD ("write-file", test_write_file);
  ADD ("nested-grants", test_nested_grants);
  ADD ("list-directory", test_list_directory);
  ADD ("shell-command", test_shell_command);
  ADD ("python-denial-reported", test_python_denial_reported);
  ADD ("fetch-url", test_fetch_url);
  ADD ("fetch-url-denied-address", test_fetch_url_denied_address);
  ADD ("cancel", test_cancel);
  ADD ("sandbox-setup-error", test_sandbox_setup_error);
#undef ADD
  g_test_add_func ("/tools/report-fixtures", test_report_fixtures);

  return g_test_run ();
}
