/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include <string.h>

#include "da-sandbox-runner-private.h"
#include "da-tool-error.h"

/* Lines the helper writes on --report-fd, one JSON object each:
 *   {"type":"start","isolation":"strict","landlock_abi":4,"namespaces":true}
 *   {"type":"seccomp","syscall":"ptrace","pid":7}
 *   {"type":"limit","limit":"max_output_kb"}
 *   {"type":"error","message":"…"}
 *   {"type":"reports_dropped"}
 *   {"type":"landlock","access":"fs.read_file","path":"/etc/shadow"}
 *   {"type":"landlock","access":"net.connect_tcp","port":80}
 *   {"type":"memory","enforced_by":"cgroup v2 memory.max, memory.swap.max 0"}
 *   {"type":"notice","message":"landlock denials not observable: …"}
 * For landlock the detail is the access right and, when the kernel named
 * one, the path or port ("fs.read_file /etc/shadow"). */

#define MAX_LINE 4096

static const struct {
  const char *type;
  const char *member;
} report_types[] = {
  { "start", "isolation" },
  { "seccomp", "syscall" },
  { "limit", "limit" },
  { "error", "message" },
  { "reports_dropped", NULL },
  { "landlock", "access" },
  { "memory", "enforced_by" },
  { "notice", "message" },
};

void
da_sandbox_report_free (DaSandboxReport *report)
{
  if (report == NULL)
    return;
  g_free (report->type);
  g_free (report->detail);
  g_free (report);
}

/**
 * _da_sandbox_report_parse:
 * @line: one line, without its newline
 *
 * Returns: (transfer full): the report, or %NULL with
 *   %DA_TOOL_ERROR_PROTOCOL
 */
DaSandboxReport *
_da_sandbox_report_parse (const char  *line,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DaSandboxReport) report = NULL;
  JsonObject *object;
  JsonNode *root, *node;
  const char *type;

  g_return_val_if_fail (line != NULL || len == 0, NULL);

  if (len > MAX_LINE)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                   "Sandbox report line is too long (%" G_GSIZE_FORMAT " bytes)", len);
      return NULL;
    }
  if (memchr (line, '\0', len) != NULL)
    {
      g_set_error_literal (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                           "Sandbox report line holds a NUL byte");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, line, (gssize) len, &local_error))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                   "Sandbox report is not JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                           "Sandbox report is not an object");
      return NULL;
    }

  object = json_node_get_object (root);
  node = json_object_get_member (object, "type");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                           "Sandbox report has no type");
      return NULL;
    }
  type = json_node_get_string (node);

  for (guint i = 0; i < G_N_ELEMENTS (report_types); i++)
    {
      if (strcmp (type, report_types[i].type) != 0)
        continue;

      report = g_new0 (DaSandboxReport, 1);
      report->type = g_strdup (type);
      if (report_types[i].member != NULL)
        {
          node = json_object_get_member (object, report_types[i].member);
          if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
              json_node_get_value_type (node) != G_TYPE_STRING)
            {
              g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                           "Sandbox report “%s” has no string “%s”",
                           report_types[i].type, report_types[i].member);
              return NULL;
            }
          report->detail = g_strdup (json_node_get_string (node));
        }
      if (strcmp (type, "landlock") == 0)
        {
          JsonNode *path = json_object_get_member (object, "path");
          JsonNode *port = json_object_get_member (object, "port");
          char *detail = NULL;

          if (path != NULL && JSON_NODE_HOLDS_VALUE (path) &&
              json_node_get_value_type (path) == G_TYPE_STRING)
            detail = g_strdup_printf ("%s %s", report->detail, json_node_get_string (path));
          else if (port != NULL && JSON_NODE_HOLDS_VALUE (port) &&
                   json_node_get_value_type (port) == G_TYPE_INT64)
            detail = g_strdup_printf ("%s port %" G_GINT64_FORMAT, report->detail, json_node_get_int (port));
          if (detail != NULL)
            {
              g_free (report->detail);
              report->detail = detail;
            }
        }
      return g_steal_pointer (&report);
    }

  g_set_error_literal (error, DA_TOOL_ERROR, DA_TOOL_ERROR_PROTOCOL,
                       "Sandbox report has an unknown type");
  return NULL;
}
