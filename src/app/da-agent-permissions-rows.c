/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-agent-permissions-private.h"
#include "da-escape.h"

/* The words and rows of the permissions page: what each tool, level and
 * limit is called, why a rule is refused, and one row per list entry. */

const char *
_da_agent_permissions_tool_label (const char *name)
{
  if (g_str_equal (name, "read_file"))
    return _("Read Files");
  if (g_str_equal (name, "write_file"))
    return _("Write Files");
  if (g_str_equal (name, "list_directory"))
    return _("List Folders");
  if (g_str_equal (name, "run_shell_command"))
    return _("Run Shell Commands");
  if (g_str_equal (name, "run_python"))
    return _("Run Python");
  if (g_str_equal (name, "fetch_url"))
    return _("Fetch Web Pages");
  return name;
}

const char *
_da_agent_permissions_isolation_text (DaIsolationLevel level)
{
  switch (level)
    {
    case DA_ISOLATION_STRICT:
      return _("No network at all. Only the folders below are visible, in a private root.");
    case DA_ISOLATION_MODERATE:
      return _("As strict, and the allowed hosts through the application’s filtering proxy.");
    case DA_ISOLATION_MINIMAL:
      return _("No namespaces: Landlock, seccomp and limits only, and no network. For systems without user namespaces.");
    default:
      return "";
    }
}

void
_da_agent_permissions_quota_text (DaPermissionQuota   quota,
            const char        **title,
            const char        **unit)
{
  switch (quota)
    {
    case DA_QUOTA_MEMORY_MB:
      *title = _("Memory"), *unit = _("MB per process");
      break;
    case DA_QUOTA_CPU_SECONDS:
      *title = _("CPU Time"), *unit = _("seconds");
      break;
    case DA_QUOTA_WALL_SECONDS:
      *title = _("Run Time"), *unit = _("seconds by the clock");
      break;
    case DA_QUOTA_MAX_PROCESSES:
      *title = _("Processes"), *unit = _("at the same time");
      break;
    case DA_QUOTA_MAX_FILE_MB:
      *title = _("File Size"), *unit = _("MB per file, and the private /tmp");
      break;
    case DA_QUOTA_MAX_OUTPUT_KB:
      *title = _("Output"), *unit = _("KB of standard output and error together");
      break;
    case DA_QUOTA_NET_MAX_CONNECTIONS:
      *title = _("Connections"), *unit = _("at the same time, through the proxy");
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Why a host rule is refused, in words. */
const char *
_da_agent_permissions_net_problem_text (DaNetRuleProblem problem)
{
  switch (problem)
    {
    case DA_NET_RULE_PROBLEM_NONE:
    case DA_NET_RULE_PROBLEM_EMPTY:
      return NULL;
    case DA_NET_RULE_PROBLEM_SCHEME:
      return _("Write the host without “https://”: example.com, or example.com:443 for one port.");
    case DA_NET_RULE_PROBLEM_PATH:
      return _("Only a host can be allowed, not a path on it: remove everything from the “/”.");
    case DA_NET_RULE_PROBLEM_SPACE:
      return _("A host has no spaces in it.");
    case DA_NET_RULE_PROBLEM_PORT:
      return _("The port after “:” must be a number from 1 to 65535.");
    case DA_NET_RULE_PROBLEM_WILDCARD:
      return _("“*” works only at the start, as in *.example.com, and stands for the subdomains.");
    case DA_NET_RULE_PROBLEM_CIDR:
      return _("After the “/” of an address range comes the prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6.");
    case DA_NET_RULE_PROBLEM_ADDRESS:
      return _("This is not a valid IP address (an IPv6 address with a port is written [::1]:8080).");
    case DA_NET_RULE_PROBLEM_NAME:
    default:
      return _("This is not a valid host name: use letters, digits, “-” and dots between names.");
    }
}

char *
_da_agent_permissions_rule_error_text (const GError *error,
                 const char   *value)
{
  g_autofree char *shown = da_escape_for_display (value, -1);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    return g_strdup (_("This is in the list already."));
  if (g_error_matches (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE))
    /* TRANSLATORS: %s is a variable name such as LD_PRELOAD */
    return g_strdup_printf (_("%s can change how every program loads; it is never passed to tools."), shown);
  if (g_error_matches (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND))
    return g_strdup_printf (_("“%s” cannot be used: it is not an executable file that can be read."), shown);
  /* TRANSLATORS: %s is what was typed or picked, then the parser's reason */
  return g_strdup_printf (_("“%s” cannot be used: %s"), shown, error->message);
}

/* The explanation for what is typed in an entry, or NULL when it can be
 * added (or is empty). */
static GtkWidget *
remove_button (DaPermissionsDraftList  list,
               const char             *value,
               const char             *shown)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  /* TRANSLATORS: the tooltip of a button that removes an entry of a list */
  g_autofree char *label = g_strdup_printf (_("Remove “%s”"), shown);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "permissions.remove");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new ("(ums)", (guint32) list, value));
  return button;
}

GtkWidget *
_da_agent_permissions_item_row (DaPermissionsDraftList  list,
                                const char             *value,
                                const char             *sha256,
                                const char             *workspace)
{
  g_autofree char *shown = da_escape_for_display (value, -1);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);

  if (list == DA_PERMISSIONS_DRAFT_RUN)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *sha = NULL;
      g_autofree char *subtitle = NULL;

      /* The hash saved is the one granted; the file is checked against it. */
      if (da_permission_run_resolve (value, workspace, &path, &sha, &error) &&
          (sha256 == NULL || g_ascii_strcasecmp (sha, sha256) == 0))
        {
          g_autofree char *shown_path = da_escape_for_display (path, -1);

          /* TRANSLATORS: the program's file, then the hash of its content */
          subtitle = g_strdup_printf (_("%s\nSHA-256 %s"), shown_path, sha);
        }
      else if (path != NULL)
        {
          g_autofree char *shown_path = da_escape_for_display (path, -1);

          /* TRANSLATORS: the program's file, the hash it was allowed with,
           * then the hash of what the file holds now */
          subtitle = g_strdup_printf (_("%s\nChanged since granted: it will be asked for again.\n"
                                        "Granted SHA-256 %s\nNow SHA-256 %s"),
                                      shown_path, sha256, sha);
          gtk_widget_add_css_class (row, "error");
        }
      else
        {
          subtitle = _da_agent_permissions_rule_error_text (error, value);
          gtk_widget_add_css_class (row, "error");
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  else if (list == DA_PERMISSIONS_DRAFT_READ || list == DA_PERMISSIONS_DRAFT_WRITE ||
           list == DA_PERMISSIONS_DRAFT_NET_ALLOW || list == DA_PERMISSIONS_DRAFT_NET_DENY)
    gtk_widget_add_css_class (row, "monospace");

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button (list, value, shown));
  return row;
}

GtkWidget *
_da_agent_permissions_all_row (DaPermissionsDraftList list)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Everything"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Every target of this kind, as the agent’s file says"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button (list, NULL, _("Everything")));
  return row;
}

/* The lists filled through a chooser say what their emptiness means. */
GtkWidget *
_da_agent_permissions_empty_row (DaPermissionsDraftList list)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 list == DA_PERMISSIONS_DRAFT_RUN ? _("No programs: each one is asked for")
                                                                  : _("No folders: each file is asked for"));
  gtk_widget_add_css_class (row, "dim-label");
  return row;
}
