/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <string.h>

#include "da-permissions-draft.h"
#include "da-permissions-private.h"

/* An agent's `permissions` object (da-permissions-json.c) as an editor
 * changes it: the isolation level, the lists of folders, hosts, variables
 * and programs, and the quotas. Every entry is checked by the parser the
 * rules are loaded with before it is taken, and the members an editor
 * does not show (fs.temp, env.set, cwd, the other deny lists) are kept as
 * they were written. A program is kept as an absolute path with the
 * SHA-256 of its content when it was added (or when a plain name in the
 * object was loaded), and saved as {"path", "sha256"}: what the person saw
 * is what the agent may run. */

struct _DaPermissionsDraft
{
  GObject           parent_instance;

  char             *workspace;
  JsonObject       *rest;                /* members not edited here */
  DaIsolationLevel  isolation;
  guint64           quotas[DA_QUOTA_N_QUOTAS];    /* 0: the sandbox default */
  GPtrArray        *items[DA_PERMISSIONS_DRAFT_N_LISTS];
  gboolean          all[DA_PERMISSIONS_DRAFT_N_LISTS];
  GHashTable       *run_sha256;          /* program, as listed → hex */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DaPermissionsDraft, da_permissions_draft, G_TYPE_OBJECT)

static const struct
{
  const char       *object;
  const char       *member;
  DaPermissionKind  kind;
  gboolean          deny;
} lists[DA_PERMISSIONS_DRAFT_N_LISTS] = {
  [DA_PERMISSIONS_DRAFT_READ]      = { "fs",   "read",  DA_PERMISSION_READ,  FALSE },
  [DA_PERMISSIONS_DRAFT_WRITE]     = { "fs",   "write", DA_PERMISSION_WRITE, FALSE },
  [DA_PERMISSIONS_DRAFT_NET_ALLOW] = { "net",  "allow", DA_PERMISSION_NET,   FALSE },
  [DA_PERMISSIONS_DRAFT_NET_DENY]  = { "deny", "net",   DA_PERMISSION_NET,   TRUE },
  [DA_PERMISSIONS_DRAFT_ENV]       = { "env",  "allow", DA_PERMISSION_ENV,   FALSE },
  [DA_PERMISSIONS_DRAFT_RUN]       = { "run",  "allow", DA_PERMISSION_RUN,   FALSE },
};

static const char * const isolation_names[] = { "strict", "moderate", "minimal" };

static void
changed (DaPermissionsDraft *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
reset (DaPermissionsDraft *self)
{
  g_clear_pointer (&self->rest, json_object_unref);
  self->rest = json_object_new ();
  self->isolation = DA_ISOLATION_STRICT;
  memset (self->quotas, 0, sizeof self->quotas);
  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    {
      g_ptr_array_set_size (self->items[i], 0);
      self->all[i] = FALSE;
    }
  g_hash_table_remove_all (self->run_sha256);
}

static void
da_permissions_draft_finalize (GObject *object)
{
  DaPermissionsDraft *self = DA_PERMISSIONS_DRAFT (object);

  g_free (self->workspace);
  g_clear_pointer (&self->rest, json_object_unref);
  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    g_ptr_array_unref (self->items[i]);
  g_hash_table_unref (self->run_sha256);

  G_OBJECT_CLASS (da_permissions_draft_parent_class)->finalize (object);
}

static void
da_permissions_draft_class_init (DaPermissionsDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = da_permissions_draft_finalize;

  /**
   * DaPermissionsDraft::changed:
   *
   * Anything in the draft changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
da_permissions_draft_init (DaPermissionsDraft *self)
{
  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    self->items[i] = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->run_sha256 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  reset (self);
}

/**
 * da_permissions_draft_new:
 * @workspace: (nullable): the folder relative paths start from; the home
 *   folder when %NULL
 *
 * An empty draft: strict isolation, nothing allowed, default quotas.
 */
DaPermissionsDraft *
da_permissions_draft_new (const char *workspace)
{
  DaPermissionsDraft *self = g_object_new (DA_TYPE_PERMISSIONS_DRAFT, NULL);

  g_return_val_if_fail (workspace == NULL || g_path_is_absolute (workspace), NULL);

  self->workspace = g_strdup (workspace ? workspace : g_get_home_dir ());
  return self;
}

const char *
da_permissions_draft_get_workspace (DaPermissionsDraft *self)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), NULL);
  return self->workspace;
}

/* json_node_copy() shares objects and arrays: this copies them too. */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

static JsonObject *
steal_object (JsonObject *root,
              const char *name)
{
  JsonNode *node = json_object_get_member (root, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The absolute path a program is listed under (a name as PATH finds it,
 * not its symlinks resolved: "/usr/bin/python3" stays that) and the hash
 * of the content it names now. */
static gboolean
bind_program (DaPermissionsDraft  *self,
              const char          *value,
              char               **path,
              char               **sha256,
              GError             **error)
{
  g_autofree char *canonical = NULL;
  g_autofree char *listed = NULL;

  if (!da_permission_run_resolve (value, self->workspace, &canonical, sha256, error))
    return FALSE;

  if (strchr (value, '/') == NULL)
    listed = g_find_program_in_path (value);
  else
    {
      g_autofree char *expanded = _da_path_expand_home (value);

      if (expanded != NULL)
        listed = _da_path_normalize (expanded, self->workspace);
    }
  *path = listed != NULL ? g_steal_pointer (&listed) : g_steal_pointer (&canonical);
  return TRUE;
}

static void
add_program (DaPermissionsDraft *self,
             char               *path,
             char               *sha256)
{
  if (g_hash_table_contains (self->run_sha256, path))
    {
      g_free (path);
      g_free (sha256);
      return;
    }
  g_ptr_array_add (self->items[DA_PERMISSIONS_DRAFT_RUN], g_strdup (path));
  g_hash_table_insert (self->run_sha256, path, sha256);
}

/* The programs of a checked object's run.allow, as pairs (path, hash):
 * an object entry as it was granted, a plain name bound now, as the
 * loader just did. */
static gboolean
bind_programs (DaPermissionsDraft  *self,
               JsonNode            *permissions,
               GPtrArray           *programs,
               GError             **error)
{
  JsonObject *run = steal_object (json_node_get_object (permissions), "run");
  JsonNode *node = run ? json_object_get_member (run, "allow") : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return TRUE;

  array = json_node_get_array (node);
  for (guint j = 0; j < json_array_get_length (array); j++)
    {
      JsonNode *item = json_array_get_element (array, j);
      char *path = NULL;
      char *sha256 = NULL;

      if (JSON_NODE_HOLDS_OBJECT (item))
        {
          JsonObject *bound = json_node_get_object (item);

          path = g_strdup (json_object_get_string_member (bound, "path"));
          sha256 = g_ascii_strdown (json_object_get_string_member (bound, "sha256"), -1);
        }
      else if (!bind_program (self, json_node_get_string (item), &path, &sha256, error))
        return FALSE;
      g_ptr_array_add (programs, path);
      g_ptr_array_add (programs, sha256);
    }
  return TRUE;
}

/**
 * da_permissions_draft_load_json:
 * @permissions: (nullable): a `permissions` object; %NULL for none
 *
 * Replaces the draft with @permissions, which is checked by the loader
 * first: on error the draft is unchanged.
 */
gboolean
da_permissions_draft_load_json (DaPermissionsDraft  *self,
                                JsonNode            *permissions,
                                GError             **error)
{
  g_autoptr(DaPermissions) check = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(GPtrArray) programs = g_ptr_array_new_with_free_func (g_free);
  JsonObject *root;

  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), FALSE);

  if (permissions != NULL && !JSON_NODE_HOLDS_NULL (permissions))
    {
      check = da_permissions_new_from_json (self->workspace, permissions, "permissions", error);
      if (check == NULL || !bind_programs (self, permissions, programs, error))
        return FALSE;
    }

  reset (self);
  if (check == NULL)
    {
      changed (self);
      return TRUE;
    }

  copy = deep_copy (permissions);
  root = json_node_get_object (copy);

  self->isolation = da_permissions_get_isolation (check);
  json_object_remove_member (root, "isolation");

  for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
    self->quotas[q] = da_permissions_get_quota (check, q);
  if (steal_object (root, "resources") != NULL)
    json_object_remove_member (root, "resources");
  if (steal_object (root, "net") != NULL)
    json_object_remove_member (steal_object (root, "net"), "max_connections");

  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    {
      JsonObject *object = steal_object (root, lists[i].object);
      JsonNode *node = object ? json_object_get_member (object, lists[i].member) : NULL;

      if (node == NULL)
        continue;
      if (JSON_NODE_HOLDS_ARRAY (node) && i == DA_PERMISSIONS_DRAFT_RUN)
        {
          for (guint j = 0; j < programs->len; j += 2)
            add_program (self, g_strdup (g_ptr_array_index (programs, j)),
                         g_strdup (g_ptr_array_index (programs, j + 1)));
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint j = 0; j < json_array_get_length (array); j++)
            g_ptr_array_add (self->items[i], g_strdup (json_array_get_string_element (array, j)));
        }
      else
        self->all[i] = json_node_get_boolean (node);
      json_object_remove_member (object, lists[i].member);
    }

  g_clear_pointer (&self->rest, json_object_unref);
  self->rest = json_object_ref (root);
  changed (self);
  return TRUE;
}

static JsonObject *
ensure_object (JsonObject *root,
               const char *name)
{
  JsonObject *object = steal_object (root, name);

  if (object == NULL)
    {
      object = json_object_new ();
      json_object_set_object_member (root, name, object);
    }
  return object;
}

static void
drop_if_empty (JsonObject *root,
               const char *name)
{
  JsonObject *object = steal_object (root, name);

  if (object != NULL && json_object_get_size (object) == 0)
    json_object_remove_member (root, name);
}

/* The same members in the same order every time: saving an agent twice
 * writes the same text. */
static JsonNode *
ordered (JsonNode *node)
{
  static const char * const order[] = { "isolation", "fs", "net", "env", "run", "resources", "deny", "cwd" };
  JsonObject *from = json_node_get_object (node);
  JsonObject *to = json_object_new ();
  g_autoptr(GList) members = NULL;
  JsonNode *out;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (json_object_has_member (from, order[i]))
      json_object_set_member (to, order[i], json_node_copy (json_object_get_member (from, order[i])));
  members = json_object_get_members (from);
  for (GList *l = members; l != NULL; l = l->next)
    if (!json_object_has_member (to, l->data))
      json_object_set_member (to, l->data, json_node_copy (json_object_get_member (from, l->data)));

  out = json_node_init_object (json_node_alloc (), to);
  json_object_unref (to);
  json_node_unref (node);
  return out;
}

/**
 * da_permissions_draft_to_json:
 *
 * Returns: (transfer full): the `permissions` object, in the form agent
 *   and team files use
 */
JsonNode *
da_permissions_draft_to_json (DaPermissionsDraft *self)
{
  g_autoptr(JsonNode) rest = NULL;
  JsonObject *root;
  JsonNode *out;

  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), NULL);

  rest = json_node_init_object (json_node_alloc (), self->rest);
  out = deep_copy (rest);
  root = json_node_get_object (out);

  json_object_set_string_member (root, "isolation", isolation_names[self->isolation]);

  for (guint i = 0; i < DA_PERMISSIONS_DRAFT_N_LISTS; i++)
    {
      JsonObject *object;

      if (!self->all[i] && self->items[i]->len == 0)
        continue;
      object = ensure_object (root, lists[i].object);
      if (self->all[i])
        json_object_set_boolean_member (object, lists[i].member, TRUE);
      else
        {
          JsonArray *array = json_array_sized_new (self->items[i]->len);

          for (guint j = 0; j < self->items[i]->len; j++)
            {
              const char *item = g_ptr_array_index (self->items[i], j);

              if (i == DA_PERMISSIONS_DRAFT_RUN)
                {
                  JsonObject *bound = json_object_new ();

                  json_object_set_string_member (bound, "path", item);
                  json_object_set_string_member (bound, "sha256", g_hash_table_lookup (self->run_sha256, item));
                  json_array_add_object_element (array, bound);
                }
              else
                json_array_add_string_element (array, item);
            }
          json_object_set_array_member (object, lists[i].member, array);
        }
    }

  for (guint q = 0; q < DA_QUOTA_N_QUOTAS; q++)
    {
      if (self->quotas[q] == 0)
        continue;
      json_object_set_int_member (ensure_object (root, q == DA_QUOTA_NET_MAX_CONNECTIONS ? "net" : "resources"),
                                  da_permission_quota_to_string (q), (gint64) self->quotas[q]);
    }

  drop_if_empty (root, "fs");
  drop_if_empty (root, "net");
  drop_if_empty (root, "env");
  drop_if_empty (root, "run");
  drop_if_empty (root, "deny");

  return ordered (out);
}

/**
 * da_permissions_draft_build:
 *
 * Returns: (transfer full): the permissions the draft gives, loaded as an
 *   agent's would be, or %NULL with @error set
 */
DaPermissions *
da_permissions_draft_build (DaPermissionsDraft  *self,
                            GError             **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), NULL);

  node = da_permissions_draft_to_json (self);
  return da_permissions_new_from_json (self->workspace, node, "permissions", error);
}

DaIsolationLevel
da_permissions_draft_get_isolation (DaPermissionsDraft *self)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), DA_ISOLATION_STRICT);
  return self->isolation;
}

void
da_permissions_draft_set_isolation (DaPermissionsDraft *self,
                                    DaIsolationLevel    isolation)
{
  g_return_if_fail (DA_IS_PERMISSIONS_DRAFT (self));
  g_return_if_fail (isolation <= DA_ISOLATION_MINIMAL);

  if (self->isolation == isolation)
    return;
  self->isolation = isolation;
  changed (self);
}

/**
 * da_permissions_draft_get_quota:
 *
 * Returns: the quota, or the sandbox's default when it is not set
 */
guint64
da_permissions_draft_get_quota (DaPermissionsDraft *self,
                                DaPermissionQuota   quota)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), 0);
  g_return_val_if_fail (quota < DA_QUOTA_N_QUOTAS, 0);

  return self->quotas[quota] ? self->quotas[quota] : da_permission_quota_get_default (quota);
}

/**
 * da_permissions_draft_set_quota:
 * @value: the limit; 0, or the sandbox's default, leaves it unset; values
 *   above the sandbox's maximum are lowered to it
 */
void
da_permissions_draft_set_quota (DaPermissionsDraft *self,
                                DaPermissionQuota   quota,
                                guint64             value)
{
  g_return_if_fail (DA_IS_PERMISSIONS_DRAFT (self));
  g_return_if_fail (quota < DA_QUOTA_N_QUOTAS);

  value = MIN (value, da_permission_quota_get_maximum (quota));
  if (value == da_permission_quota_get_default (quota))
    value = 0;
  if (self->quotas[quota] == value)
    return;
  self->quotas[quota] = value;
  changed (self);
}

/**
 * da_permissions_draft_get_items:
 *
 * Returns: (transfer none) (array zero-terminated=1): the entries, as
 *   written
 */
const char * const *
da_permissions_draft_get_items (DaPermissionsDraft     *self,
                                DaPermissionsDraftList  list)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), NULL);
  g_return_val_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS, NULL);

  /* An array that never held anything may have no storage yet. */
  if (self->items[list]->pdata == NULL)
    return empty;
  return (const char * const *) self->items[list]->pdata;
}

/* Whether the list grants every target of its kind (`true` in a file). */
gboolean
da_permissions_draft_get_all (DaPermissionsDraft     *self,
                              DaPermissionsDraftList  list)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), FALSE);
  g_return_val_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS, FALSE);

  return self->all[list];
}

void
da_permissions_draft_set_all (DaPermissionsDraft     *self,
                              DaPermissionsDraftList  list,
                              gboolean                all)
{
  g_return_if_fail (DA_IS_PERMISSIONS_DRAFT (self));
  g_return_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS);

  if (self->all[list] == !!all)
    return;
  self->all[list] = !!all;
  changed (self);
}

DaPermissionKind
da_permissions_draft_list_get_kind (DaPermissionsDraftList list)
{
  g_return_val_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS, DA_PERMISSION_READ);
  return lists[list].kind;
}

/* A path in the home folder is kept as "~/…", as team files write it. */
static char *
shorten_home (const char *value)
{
  const char *home = g_get_home_dir ();
  gsize len = strlen (home);

  if (g_path_is_absolute (value) && len > 1 &&
      strncmp (value, home, len) == 0 && (value[len] == '/' || value[len] == '\0'))
    return value[len] == '\0' ? g_strdup ("~") : g_strconcat ("~", value + len, NULL);
  return g_strdup (value);
}

/**
 * da_permissions_draft_add:
 * @value: a path, host rule, variable (NAME or PREFIX*) or program; white
 *   space around it is ignored
 *
 * Adds @value to @list when the rule parser takes it (a path's symlinks
 * resolve, a program is found and can be hashed). A path in the home
 * folder is written "~/…". A program is listed under its absolute path
 * and bound to the SHA-256 of its content now.
 *
 * Returns: %TRUE if added; %FALSE with @error set when it is invalid or
 *   already in the list (%G_IO_ERROR_EXISTS)
 */
gboolean
da_permissions_draft_add (DaPermissionsDraft      *self,
                          DaPermissionsDraftList   list,
                          const char              *value,
                          GError                 **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), FALSE);
  g_return_val_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  text = g_strstrip (g_strdup (value));
  if (text[0] == '\0')
    {
      g_set_error_literal (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE,
                           "Empty rule");
      return FALSE;
    }
  if (list == DA_PERMISSIONS_DRAFT_READ || list == DA_PERMISSIONS_DRAFT_WRITE)
    {
      char *shorter = shorten_home (text);

      g_free (text);
      text = shorter;
    }

  if (list == DA_PERMISSIONS_DRAFT_RUN)
    {
      g_autofree char *path = NULL;
      g_autofree char *sha256 = NULL;

      if (!bind_program (self, text, &path, &sha256, error))
        return FALSE;
      if (g_hash_table_contains (self->run_sha256, path))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "“%s” is already in the list", path);
          return FALSE;
        }
      add_program (self, g_steal_pointer (&path), g_steal_pointer (&sha256));
      changed (self);
      return TRUE;
    }

  if (!da_permission_rule_validate (lists[list].kind, lists[list].deny, text, self->workspace, error))
    return FALSE;

  for (guint i = 0; i < self->items[list]->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items[list], i), text))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "“%s” is already in the list", text);
        return FALSE;
      }

  g_ptr_array_add (self->items[list], g_steal_pointer (&text));
  changed (self);
  return TRUE;
}

/**
 * da_permissions_draft_remove:
 * @value: an entry as da_permissions_draft_get_items() gives it
 *
 * Returns: whether it was in the list
 */
gboolean
da_permissions_draft_remove (DaPermissionsDraft     *self,
                             DaPermissionsDraftList  list,
                             const char             *value)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), FALSE);
  g_return_val_if_fail (list < DA_PERMISSIONS_DRAFT_N_LISTS, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  for (guint i = 0; i < self->items[list]->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items[list], i), value))
      {
        if (list == DA_PERMISSIONS_DRAFT_RUN)
          g_hash_table_remove (self->run_sha256, value);
        g_ptr_array_remove_index (self->items[list], i);
        changed (self);
        return TRUE;
      }

  return FALSE;
}

/**
 * da_permissions_draft_get_sha256:
 * @program: an entry of the programs list, as
 *   da_permissions_draft_get_items() gives it
 *
 * Returns: (nullable): the hex SHA-256 of the content the entry allows:
 *   what the file held when it was added, or what the loaded object says
 */
const char *
da_permissions_draft_get_sha256 (DaPermissionsDraft *self,
                                 const char         *program)
{
  g_return_val_if_fail (DA_IS_PERMISSIONS_DRAFT (self), NULL);
  g_return_val_if_fail (program != NULL, NULL);

  return g_hash_table_lookup (self->run_sha256, program);
}
