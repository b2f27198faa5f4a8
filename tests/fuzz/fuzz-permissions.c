/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the permission parsers (team-file `permissions` object and
 * --allow-/--deny- flag lines) and the matchers: every input line is also
 * checked as a target of every kind. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "da-escape.h"
#include "da-permissions-draft.h"
#include "da-permissions-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define WORKSPACE "/nonexistent-da-fuzz-workspace"
#define MAX_LINES 64

static DaPermissions *
fixed_permissions (void)
{
  static DaPermissions *fixed;
  static const char * const flags[][2] = {
    { "allow-read", "src,/usr,/proc/self/status" },
    { "deny-read", "src/secret,/etc" },
    { "allow-write", "out" },
    { "allow-net", "example.com,*.example.org,10.0.0.0/8,[::1]:8080,api.test:443" },
    { "deny-net", "127.0.0.0/8,evil.example.org,fd00::/8" },
    { "allow-env", "HOME,DA_*" },
    { "deny-env", "DA_SECRET*" },
    { "allow-run", "sh" },
    { "deny-run", "curl" },
  };

  if (fixed == NULL)
    {
      fixed = da_permissions_new (WORKSPACE);
      for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
        if (!da_permissions_add_flag (fixed, flags[i][0], flags[i][1], NULL))
          g_error ("fixed rule %s=%s", flags[i][0], flags[i][1]);
    }
  return fixed;
}

static void
check_all_kinds (DaPermissions *perms,
                 const char    *target)
{
  for (guint kind = 0; kind < DA_PERMISSION_N_KINDS; kind++)
    {
      g_auto(DaPermissionMatch) match = { 0, };
      DaPermissionDecision d = da_permissions_check (perms, kind, target, &match);

      g_assert (d == match.decision);
      g_assert (match.reason != NULL);
      g_assert (da_permissions_check (perms, kind, target, NULL) == d || kind == DA_PERMISSION_RUN);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *)data;
  g_autoptr(DaPermissions) team = _da_permissions_parse_team (text, size, WORKSPACE, NULL);
  g_autoptr(DaPermissions) flags = _da_permissions_parse_flags (text, size, WORKSPACE, NULL);
  g_autofree char *shown = da_escape_for_display (text, size);
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert (g_utf8_validate (shown, -1, NULL));

  if (team != NULL)
    {
      g_autoptr(JsonNode) policy = da_permissions_to_sandbox_policy (team, NULL);
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      g_autoptr(DaPermissionsDraft) draft = da_permissions_draft_new (WORKSPACE);
      g_autoptr(DaPermissionsDraft) again = da_permissions_draft_new (WORKSPACE);

      g_assert (policy == NULL || JSON_NODE_HOLDS_OBJECT (policy));

      /* What the agent editor loads it saves, and that loads the same. */
      if (node != NULL && da_permissions_draft_load_json (draft, node, NULL))
        {
          g_autoptr(JsonNode) saved = da_permissions_draft_to_json (draft);
          g_autoptr(JsonNode) resaved = NULL;

          g_assert (da_permissions_draft_load_json (again, saved, NULL));
          resaved = da_permissions_draft_to_json (again);
          g_assert (json_node_equal (saved, resaved));
        }
    }
  if (flags != NULL)
    {
      g_autoptr(JsonNode) policy = da_permissions_to_sandbox_policy (flags, NULL);

      g_assert (policy == NULL || JSON_NODE_HOLDS_OBJECT (policy));
    }

  if (memchr (text, '\0', size) != NULL)
    return 0;

  copy = g_strndup (text, size);
  lines = g_strsplit (copy, "\n", MAX_LINES);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(DaNetTarget) net = { 0, };
      g_autofree char *normal = _da_path_normalize (lines[i], WORKSPACE);
      g_autofree char *resolved = _da_path_resolve (normal, NULL);
      g_autofree char *description = da_permissions_describe (DA_PERMISSION_NET, lines[i]);
      guint8 v4[4];

      g_assert (normal[0] == '/');
      g_assert (resolved == NULL || resolved[0] == '/');
      g_assert (g_utf8_validate (description, -1, NULL));
      g_assert (strstr (normal, "/../") == NULL && strstr (normal, "//") == NULL);
      _da_net_parse_target (lines[i], &net, NULL);
      /* The editor's explanation agrees with the parser about validity. */
      g_assert ((da_permission_net_rule_diagnose (lines[i]) == DA_NET_RULE_PROBLEM_NONE) ==
                (lines[i][0] != '\0' &&
                 da_permission_rule_validate (DA_PERMISSION_NET, FALSE, lines[i], WORKSPACE, NULL)));
      _da_net_parse_ipv4 (lines[i], v4);

      check_all_kinds (fixed_permissions (), lines[i]);
      if (team != NULL)
        check_all_kinds (team, lines[i]);
      if (flags != NULL)
        check_all_kinds (flags, lines[i]);
    }

  return 0;
}
