/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `denoagents-cli permissions list|revoke|audit`: the "always allow"
 * grants made at permission prompts, and the audit log of decisions. */
#define G_LOG_DOMAIN "da-cli"

#include "config.h"

#include <json-glib/json-glib.h>

#include "da-cli.h"
#include "da-cli-permissions.h"
#include "da-cli-util.h"
#include "da-escape.h"
#include "da-permission-broker.h"
#include "da-store.h"

static DaStore *
open_store (const char *db_path,
            int        *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = db_path ? g_strdup (db_path) : da_store_default_path ();
  DaStore *store;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      da_cli_printerr ("no history database at %s", path);
      *status = DA_CLI_EXIT_FAILURE;
      return NULL;
    }
  store = da_store_new (path, &error);
  if (store == NULL)
    *status = da_cli_report_error (error);
  return store;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  g_print ("%s\n", text);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static int
permissions_list (int   argc,
                  char *argv[])
{
  g_autofree char *db_path = NULL;
  g_autofree char *agent = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "agent", 0, 0, G_OPTION_ARG_STRING, &agent, "Only this agent's grants", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "History database (default: the user's)", "PATH" },
    { NULL }
  };
  g_autoptr(DaStore) store = NULL;
  g_autoptr(DaPermissionBroker) broker = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  int status = DA_CLI_EXIT_OK;

  if (!da_cli_parse_options ("permissions list", NULL, "List the \"always allow\" grants.",
                             entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return da_cli_usage_error ("permissions list", "unexpected argument '%s'", argv[1]);
  if ((store = open_store (db_path, &status)) == NULL)
    return status;

  broker = da_permission_broker_new (store);
  grants = da_permission_broker_list_grants (broker, agent, &error);
  if (grants == NULL)
    return da_cli_report_error (error);

  for (guint i = 0; i < grants->len; i++)
    {
      DaGrant *grant = g_ptr_array_index (grants, i);

      if (json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, grant->id);
          add_string (b, "agent", grant->agent);
          add_string (b, "kind", grant->kind);
          add_string (b, "target", grant->target);
          add_string (b, "sha256", grant->sha256);
          if (grant->detail_sha256 != NULL)
            {
              add_string (b, "detail", grant->detail);
              add_string (b, "detail_sha256", grant->detail_sha256);
            }
          json_builder_set_member_name (b, "created_at");
          json_builder_add_int_value (b, grant->created_at / G_USEC_PER_SEC);
          json_builder_end_object (b);
          print_json (b);
        }
      else
        {
          g_autofree char *who = da_escape_for_display (grant->agent, -1);
          g_autofree char *target = da_escape_for_display (grant->target, -1);

          if (grant->detail_sha256 != NULL)
            {
              g_autofree char *detail = da_escape_for_display (grant->detail ? grant->detail : "", -1);

              /* A grant of one command line or script, not of the program. */
              g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s: %s\n", grant->id, who, grant->kind,
                       target, detail);
            }
          else
            g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", grant->id, who, grant->kind, target);
        }
    }
  if (!json && grants->len == 0)
    g_printerr ("No grants.\n");
  return DA_CLI_EXIT_OK;
}

static int
permissions_revoke (int   argc,
                    char *argv[])
{
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "History database (default: the user's)", "PATH" },
    { NULL }
  };
  g_autoptr(DaStore) store = NULL;
  g_autoptr(DaPermissionBroker) broker = NULL;
  g_autoptr(GError) error = NULL;
  int status = DA_CLI_EXIT_OK;
  gint64 id;

  if (!da_cli_parse_options ("permissions revoke", "ID", "Revoke an \"always allow\" grant.",
                             entries, &argc, &argv, &status))
    return status;
  if (argc != 2 || !da_cli_parse_id (argv[1], &id))
    return da_cli_usage_error ("permissions revoke", "expected one grant id");
  if ((store = open_store (db_path, &status)) == NULL)
    return status;

  broker = da_permission_broker_new (store);
  if (!da_permission_broker_revoke (broker, id, &error))
    {
      if (g_error_matches (error, DA_STORE_ERROR, DA_STORE_ERROR_NOT_FOUND))
        {
          da_cli_printerr ("no grant with id %" G_GINT64_FORMAT, id);
          return DA_CLI_EXIT_FAILURE;
        }
      return da_cli_report_error (error);
    }
  return DA_CLI_EXIT_OK;
}

static int
permissions_audit (int   argc,
                   char *argv[])
{
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most this many entries, newest first (0: all)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "History database (default: the user's)", "PATH" },
    { NULL }
  };
  g_autoptr(DaStore) store = NULL;
  g_autoptr(GPtrArray) entries_list = NULL;
  g_autoptr(GError) error = NULL;
  int status = DA_CLI_EXIT_OK;

  if (!da_cli_parse_options ("permissions audit", NULL, "Show the audit log of permission decisions.",
                             entries, &argc, &argv, &status))
    return status;
  if (argc != 1 || limit < 0)
    return da_cli_usage_error ("permissions audit", "unexpected arguments");
  if ((store = open_store (db_path, &status)) == NULL)
    return status;

  entries_list = da_store_list_audit (store, (guint) limit, &error);
  if (entries_list == NULL)
    return da_cli_report_error (error);

  for (guint i = 0; i < entries_list->len; i++)
    {
      DaAuditEntry *e = g_ptr_array_index (entries_list, i);

      if (json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "time");
          json_builder_add_int_value (b, e->time / G_USEC_PER_SEC);
          add_string (b, "agent", e->agent);
          add_string (b, "tool", e->tool);
          add_string (b, "kind", e->kind);
          add_string (b, "target", e->target);
          add_string (b, "decision", e->decision);
          add_string (b, "reason", e->reason);
          json_builder_end_object (b);
          print_json (b);
        }
      else
        {
          g_autofree char *who = da_escape_for_display (e->agent ? e->agent : "", -1);
          g_autofree char *tool = da_escape_for_display (e->tool ? e->tool : "", -1);
          g_autofree char *target = da_escape_for_display (e->target ? e->target : "", -1);
          g_autofree char *reason = da_escape_for_display (e->reason ? e->reason : "", -1);

          g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", e->decision, who, tool, e->kind, target, reason);
        }
    }
  return DA_CLI_EXIT_OK;
}

static const DaCliCommand commands[] = {
  { "list", "List the \"always allow\" grants", permissions_list },
  { "revoke", "Revoke a grant by id", permissions_revoke },
  { "audit", "Show the audit log of permission decisions", permissions_audit },
  { NULL }
};

int
da_cli_permissions_main (int   argc,
                         char *argv[])
{
  return da_cli_dispatch ("permissions", "Grants made at permission prompts, and the audit log",
                          commands, argc, argv);
}
