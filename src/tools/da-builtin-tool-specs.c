/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <string.h>

#include "da-builtin-tool-private.h"
#include "da-tool-error.h"

/* The built-in tools: their schemas, the permissions a call needs, the
 * fixed program each runs in the sandbox, and how its output becomes
 * the text the model reads. */

#define MAX_READ_BYTES  (256 * 1024)
#define MAX_FETCH_BYTES (256 * 1024)

static GPtrArray *
new_permissions (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) da_tool_permission_free);
}

static void
argv_add (DaBuiltinPlan *plan,
          const char    *arg)
{
  g_ptr_array_add (plan->argv, g_strdup (arg));
}

static char *
path_arg (DaToolContext  *context,
          JsonObject     *args,
          GError        **error)
{
  const char *path = json_object_get_string_member_with_default (args, "path", NULL);
  char *resolved = da_tool_context_resolve_path (context, path);

  if (resolved == NULL)
    g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS,
                 "“path” must name a file or directory");
  return resolved;
}

static GPtrArray *
one_path_permission (DaToolContext     *context,
                     JsonObject        *args,
                     DaPermissionKind   kind,
                     GError           **error)
{
  g_autofree char *path = path_arg (context, args, error);
  GPtrArray *out;

  if (path == NULL)
    return NULL;
  out = new_permissions ();
  g_ptr_array_add (out, da_tool_permission_new (kind, path, NULL));
  return out;
}

static char *
first_line (GBytes *bytes)
{
  g_autofree char *text = _da_builtin_output (bytes, FALSE);
  char *nl = strchr (text, '\n');

  if (nl != NULL)
    *nl = '\0';
  return g_steal_pointer (&text);
}

static DaToolResult *
failure (DaSandboxRun *run,
         const char   *what)
{
  g_autofree char *line = first_line (run->err);
  g_autofree char *text = NULL;

  if (run->exit_status < 0)
    text = g_strdup_printf ("%s: the program was killed by signal %d", what, run->term_signal);
  else
    text = g_strdup_printf ("%s: %s", what,
                            line[0] ? line : "the program failed without a message");
  return da_tool_result_new (FALSE, text);
}

/* read_file ------------------------------------------------------------ */

static GPtrArray *
read_file_permissions (DaToolContext  *context,
                       JsonObject     *args,
                       GError        **error)
{
  return one_path_permission (context, args, DA_PERMISSION_READ, error);
}

static gboolean
read_file_plan (DaToolContext  *context,
                JsonObject     *args,
                DaBuiltinPlan  *plan,
                GError        **error)
{
  g_autofree char *path = path_arg (context, args, error);
  gint64 max = json_object_get_int_member_with_default (args, "max_bytes", MAX_READ_BYTES);
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, max);

  if (path == NULL)
    return FALSE;
  argv_add (plan, "/usr/bin/head");
  argv_add (plan, "-c");
  argv_add (plan, count);
  argv_add (plan, "--");
  argv_add (plan, path);
  return TRUE;
}

static DaToolResult *
read_file_result (JsonObject   *args,
                  DaSandboxRun *run)
{
  g_autofree char *text = NULL;

  if (run->exit_status != 0)
    return failure (run, "Could not read the file");
  text = _da_builtin_output (run->out, run->out_truncated);
  return da_tool_result_new (TRUE, text);
}

/* write_file ----------------------------------------------------------- */

static GPtrArray *
write_file_permissions (DaToolContext  *context,
                        JsonObject     *args,
                        GError        **error)
{
  return one_path_permission (context, args, DA_PERMISSION_WRITE, error);
}

static gboolean
write_file_plan (DaToolContext  *context,
                 JsonObject     *args,
                 DaBuiltinPlan  *plan,
                 GError        **error)
{
  g_autofree char *path = path_arg (context, args, error);
  g_autofree char *of = NULL;
  const char *content = json_object_get_string_member_with_default (args, "content", "");
  gboolean append = json_object_get_boolean_member_with_default (args, "append", FALSE);

  if (path == NULL)
    return FALSE;

  /* The sandbox can only bind what exists: a new file needs its
   * directory, where the fixed writer below creates that one name. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_FAILED,
                       "Could not write the file: the directory %s does not exist", dir);
          return FALSE;
        }
      g_ptr_array_add (plan->extra_write, g_steal_pointer (&dir));
    }

  of = g_strconcat ("of=", path, NULL);
  argv_add (plan, "/usr/bin/dd");
  argv_add (plan, of);
  argv_add (plan, "bs=65536");
  argv_add (plan, "status=none");
  if (append)
    {
      argv_add (plan, "oflag=append");
      argv_add (plan, "conv=notrunc");
    }
  plan->input = g_bytes_new (content, strlen (content));
  return TRUE;
}

static DaToolResult *
write_file_result (JsonObject   *args,
                   DaSandboxRun *run)
{
  const char *content = json_object_get_string_member_with_default (args, "content", "");
  const char *path = json_object_get_string_member_with_default (args, "path", "");
  g_autofree char *text = NULL;

  if (run->exit_status != 0)
    return failure (run, "Could not write the file");
  text = g_strdup_printf ("Wrote %" G_GSIZE_FORMAT " bytes to %s", strlen (content), path);
  return da_tool_result_new (TRUE, text);
}

/* list_directory ------------------------------------------------------- */

static gboolean
list_directory_plan (DaToolContext  *context,
                     JsonObject     *args,
                     DaBuiltinPlan  *plan,
                     GError        **error)
{
  g_autofree char *path = path_arg (context, args, error);

  if (path == NULL)
    return FALSE;
  /* The path is absolute, so find cannot take it for an expression. */
  argv_add (plan, "/usr/bin/find");
  argv_add (plan, path);
  argv_add (plan, "-mindepth");
  argv_add (plan, "1");
  argv_add (plan, "-maxdepth");
  argv_add (plan, "1");
  argv_add (plan, "-printf");
  argv_add (plan, "%y %s %f\\0");
  return TRUE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;
  const char *nx = strchr (x, ' ') ? strchr (strchr (x, ' ') + 1, ' ') : NULL;
  const char *ny = strchr (y, ' ') ? strchr (strchr (y, ' ') + 1, ' ') : NULL;

  return g_strcmp0 (nx ? nx : x, ny ? ny : y);
}

static DaToolResult *
list_directory_result (JsonObject   *args,
                       DaSandboxRun *run)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  gsize len;
  const char *data = g_bytes_get_data (run->out, &len);
  gsize start = 0;

  if (run->exit_status != 0)
    return failure (run, "Could not list the directory");

  for (gsize i = 0; i < len; i++)
    if (data[i] == '\0')
      {
        g_ptr_array_add (entries, (gpointer) (data + start));
        start = i + 1;
      }
  g_ptr_array_sort (entries, compare_entries);

  for (guint i = 0; i < entries->len; i++)
    {
      const char *entry = g_ptr_array_index (entries, i);
      g_auto(GStrv) parts = g_strsplit (entry, " ", 3);
      g_autofree char *name = NULL;

      if (g_strv_length (parts) != 3)
        continue;
      name = g_utf8_make_valid (parts[2], -1);
      if (parts[0][0] == 'd')
        g_string_append_printf (text, "%s/\n", name);
      else if (parts[0][0] == 'l')
        g_string_append_printf (text, "%s@\n", name);
      else
        g_string_append_printf (text, "%s (%s bytes)\n", name, parts[1]);
    }
  if (entries->len == 0)
    g_string_append (text, "(empty directory)\n");
  if (run->out_truncated)
    g_string_append (text, "[listing truncated]\n");
  return da_tool_result_new (TRUE, text->str);
}

/* run_shell_command, run_python ---------------------------------------- */

static GPtrArray *
run_shell_command_permissions (DaToolContext  *context,
                               JsonObject     *args,
                               GError        **error)
{
  GPtrArray *out = new_permissions ();

  g_ptr_array_add (out, da_tool_permission_new (DA_PERMISSION_RUN, "sh",
                                                json_object_get_string_member (args, "command")));
  return out;
}

static gboolean
run_shell_command_plan (DaToolContext  *context,
                        JsonObject     *args,
                        DaBuiltinPlan  *plan,
                        GError        **error)
{
  argv_add (plan, "/bin/sh");
  argv_add (plan, "-c");
  argv_add (plan, json_object_get_string_member (args, "command"));
  plan->temp = TRUE;
  plan->agent_fs = TRUE;
  return TRUE;
}

static DaToolResult *
command_result (JsonObject   *args,
                DaSandboxRun *run)
{
  g_autofree char *out = _da_builtin_output (run->out, run->out_truncated);
  g_autofree char *err = _da_builtin_output (run->err, run->err_truncated);
  g_autoptr(GString) text = g_string_new (NULL);
  DaToolResult *result;

  if (run->exit_status >= 0)
    g_string_append_printf (text, "exit status %d\n", run->exit_status);
  else
    g_string_append_printf (text, "killed by signal %d\n", run->term_signal);
  if (out[0] != '\0')
    g_string_append_printf (text, "stdout:\n%s%s", out, g_str_has_suffix (out, "\n") ? "" : "\n");
  if (err[0] != '\0')
    g_string_append_printf (text, "stderr:\n%s%s", err, g_str_has_suffix (err, "\n") ? "" : "\n");

  result = da_tool_result_new (run->exit_status == 0, text->str);
  result->truncated = run->out_truncated || run->err_truncated;
  return result;
}

static GPtrArray *
run_python_permissions (DaToolContext  *context,
                        JsonObject     *args,
                        GError        **error)
{
  GPtrArray *out = new_permissions ();

  g_ptr_array_add (out, da_tool_permission_new (DA_PERMISSION_RUN, "python3",
                                                json_object_get_string_member (args, "code")));
  return out;
}

static gboolean
run_python_plan (DaToolContext  *context,
                 JsonObject     *args,
                 DaBuiltinPlan  *plan,
                 GError        **error)
{
  const char *code = json_object_get_string_member (args, "code");

  argv_add (plan, "/usr/bin/python3");
  argv_add (plan, "-I");
  argv_add (plan, "-");
  plan->input = g_bytes_new (code, strlen (code));
  plan->temp = TRUE;
  plan->agent_fs = TRUE;
  return TRUE;
}

/* fetch_url ------------------------------------------------------------ */

/* Runs inside the sandbox; urllib takes the proxy from HTTP_PROXY and
 * HTTPS_PROXY, which the sandbox sets. */
static const char fetch_script[] =
  "import sys, urllib.request, urllib.error\n"
  "url, limit = sys.argv[1], int(sys.argv[2])\n"
  "req = urllib.request.Request(url, headers={'User-Agent': 'denoagents-fetch/1'})\n"
  "try:\n"
  "    r = urllib.request.urlopen(req, timeout=30)\n"
  "    status = r.status\n"
  "except urllib.error.HTTPError as e:\n"
  "    r, status = e, e.code\n"
  "except Exception as e:\n"
  "    sys.stderr.write('%s\\n' % (getattr(e, 'reason', None) or e))\n"
  "    sys.exit(1)\n"
  "body = r.read(limit + 1)\n"
  "sys.stdout.write('HTTP %d %s\\n\\n' % (status, r.headers.get('Content-Type', '')))\n"
  "sys.stdout.flush()\n"
  "sys.stdout.buffer.write(body[:limit])\n"
  "if len(body) > limit:\n"
  "    sys.stdout.buffer.write(b'\\n[body truncated]')\n"
  "sys.exit(0 if status < 400 else 22)\n";

static char *
url_target (const char  *url,
            GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme, *host;
  g_autofree char *lower = NULL;
  int port;

  if (uri == NULL ||
      (scheme = g_uri_get_scheme (uri)) == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      (host = g_uri_get_host (uri)) == NULL || host[0] == '\0')
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS,
                   "“url” must be an absolute http:// or https:// URL");
      return NULL;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS,
                   "“url” must not carry a user name or password");
      return NULL;
    }

  port = g_uri_get_port (uri);
  if (port <= 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
  lower = g_ascii_strdown (host, -1);
  if (strchr (lower, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", lower, port);
  return g_strdup_printf ("%s:%d", lower, port);
}

static GPtrArray *
fetch_url_permissions (DaToolContext  *context,
                       JsonObject     *args,
                       GError        **error)
{
  const char *url = json_object_get_string_member (args, "url");
  g_autofree char *target = url_target (url, error);
  GPtrArray *out;

  if (target == NULL)
    return NULL;
  out = new_permissions ();
  g_ptr_array_add (out, da_tool_permission_new (DA_PERMISSION_NET, target, url));
  return out;
}

static gboolean
fetch_url_plan (DaToolContext  *context,
                JsonObject     *args,
                DaBuiltinPlan  *plan,
                GError        **error)
{
  gint64 max = json_object_get_int_member_with_default (args, "max_bytes", MAX_FETCH_BYTES);
  g_autofree char *limit = g_strdup_printf ("%" G_GINT64_FORMAT, max);

  argv_add (plan, "/usr/bin/python3");
  argv_add (plan, "-I");
  argv_add (plan, "-c");
  argv_add (plan, fetch_script);
  argv_add (plan, json_object_get_string_member (args, "url"));
  argv_add (plan, limit);
  plan->network = TRUE;
  g_ptr_array_add (plan->extra_read, g_strdup ("/etc/ssl"));
  g_ptr_array_add (plan->extra_read, g_strdup ("/etc/ca-certificates"));
  return TRUE;
}

static DaToolResult *
fetch_url_result (JsonObject   *args,
                  DaSandboxRun *run)
{
  g_autofree char *text = NULL;
  DaToolResult *result;

  if (run->exit_status != 0 && run->exit_status != 22)
    return failure (run, "Could not fetch the URL");
  text = _da_builtin_output (run->out, run->out_truncated);
  result = da_tool_result_new (run->exit_status == 0, text);
  result->truncated = run->out_truncated;
  return result;
}

/* ---------------------------------------------------------------------- */

static const DaBuiltinSpec specs[] = {
  {
    "read_file",
    "Read a text file and return its content.",
    "{\"type\":\"object\",\"properties\":{"
      "\"path\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4096,"
                "\"description\":\"Path of the file, absolute or relative to the workspace\"},"
      "\"max_bytes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":262144,"
                     "\"description\":\"Read at most this many bytes\"}},"
    "\"required\":[\"path\"],\"additionalProperties\":false}",
    read_file_permissions, read_file_plan, read_file_result,
  },
  {
    "write_file",
    "Write text to a file, replacing it unless append is true.",
    "{\"type\":\"object\",\"properties\":{"
      "\"path\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4096},"
      "\"content\":{\"type\":\"string\",\"maxLength\":1048576},"
      "\"append\":{\"type\":\"boolean\"}},"
    "\"required\":[\"path\",\"content\"],\"additionalProperties\":false}",
    write_file_permissions, write_file_plan, write_file_result,
  },
  {
    "list_directory",
    "List the entries of a directory: names, with / after directories and sizes of files.",
    "{\"type\":\"object\",\"properties\":{"
      "\"path\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4096}},"
    "\"required\":[\"path\"],\"additionalProperties\":false}",
    read_file_permissions, list_directory_plan, list_directory_result,
  },
  {
    "run_shell_command",
    "Run a command with /bin/sh -c and return its exit status, stdout and stderr.",
    "{\"type\":\"object\",\"properties\":{"
      "\"command\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":65536}},"
    "\"required\":[\"command\"],\"additionalProperties\":false}",
    run_shell_command_permissions, run_shell_command_plan, command_result,
  },
  {
    "run_python",
    "Run a Python 3 program and return its exit status, stdout and stderr.",
    "{\"type\":\"object\",\"properties\":{"
      "\"code\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1048576}},"
    "\"required\":[\"code\"],\"additionalProperties\":false}",
    run_python_permissions, run_python_plan, command_result,
  },
  {
    "fetch_url",
    "Fetch an http:// or https:// URL and return the status, content type and body.",
    "{\"type\":\"object\",\"properties\":{"
      "\"url\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":8192,\"pattern\":\"^[Hh][Tt][Tt][Pp][Ss]?://\"},"
      "\"max_bytes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":262144}},"
    "\"required\":[\"url\"],\"additionalProperties\":false}",
    fetch_url_permissions, fetch_url_plan, fetch_url_result,
  },
};

const DaBuiltinSpec *
_da_builtin_specs (guint *n_specs)
{
  *n_specs = G_N_ELEMENTS (specs);
  return specs;
}
