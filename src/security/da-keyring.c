/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include <string.h>

#include "da-keyring.h"
#include "da-security-error.h"

#define MAX_KIND_LENGTH 64

struct _DaKeyringEntry
{
  char *kind;
  char *base_url;
};

G_DEFINE_BOXED_TYPE (DaKeyringEntry, da_keyring_entry,
                     da_keyring_entry_copy, da_keyring_entry_free)

DaKeyringEntry *
da_keyring_entry_new (const char *kind,
                      const char *base_url)
{
  DaKeyringEntry *self;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_new0 (DaKeyringEntry, 1);
  self->kind = g_strdup (kind);
  self->base_url = g_strdup (base_url);

  return self;
}

DaKeyringEntry *
da_keyring_entry_copy (const DaKeyringEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return da_keyring_entry_new (self->kind, self->base_url);
}

void
da_keyring_entry_free (DaKeyringEntry *self)
{
  if (self == NULL)
    return;

  g_free (self->kind);
  g_free (self->base_url);
  g_free (self);
}

const char *
da_keyring_entry_get_kind (const DaKeyringEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind;
}

const char *
da_keyring_entry_get_base_url (const DaKeyringEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_url;
}

const SecretSchema *
da_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    DA_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

void
da_keyring_secret_free (char *secret)
{
  if (secret != NULL)
    secret_password_free (secret);
}

static gboolean
is_default_port (const char *scheme,
                 int         port)
{
  return (port == 80 && strcmp (scheme, "http") == 0) ||
         (port == 443 && strcmp (scheme, "https") == 0);
}

/* The URL is not echoed in errors: a malformed one may carry credentials. */
char *
da_keyring_normalize_base_url (const char  *base_url,
                               GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  const char *query;
  int port;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (base_url));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid base URL: expected an absolute http:// or https:// URL");
      return NULL;
    }

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  if (strcmp (scheme, "http") != 0 && strcmp (scheme, "https") != 0)
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid base URL: the scheme must be http or https");
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid base URL: it has no host");
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid base URL: it must not contain a user name or password");
      return NULL;
    }

  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid base URL: it must not contain a fragment (#…)");
      return NULL;
    }

  host = g_ascii_strdown (g_uri_get_host (uri), -1);

  port = g_uri_get_port (uri);
  if (is_default_port (scheme, port))
    port = -1;

  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  query = g_uri_get_query (uri);

  return g_uri_join (G_URI_FLAGS_ENCODED, scheme, NULL, host, port, path,
                     query, NULL);
}

static gboolean
check_kind (const char  *kind,
            GError     **error)
{
  gsize len = kind ? strlen (kind) : 0;

  if (len == 0 || len > MAX_KIND_LENGTH)
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid provider kind: it must be 1 to 64 characters long");
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = kind[i];

      if (!(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '_' || c == '-'))
        {
          g_set_error_literal (error, DA_SECURITY_ERROR,
                               DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                               "invalid provider kind: use lower-case letters, digits, '-' and '_'");
          return FALSE;
        }
    }

  return TRUE;
}

/* Keys end up in HTTP headers: refuse anything that could split one. */
static gboolean
check_secret (const char  *secret,
              GError     **error)
{
  if (secret == NULL || secret[0] == '\0')
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "the API key is empty");
      return FALSE;
    }

  if (!g_utf8_validate (secret, -1, NULL))
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "the API key is not valid UTF-8");
      return FALSE;
    }

  for (const char *p = secret; *p != '\0'; p++)
    {
      if (g_ascii_iscntrl (*p))
        {
          g_set_error_literal (error, DA_SECURITY_ERROR,
                               DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                               "the API key contains control characters");
          return FALSE;
        }
    }

  return TRUE;
}

/* Returns the attributes for (kind, normalised base_url) and, through
 * @out_base_url, the normalised URL. */
static GHashTable *
build_attributes (const char  *kind,
                  const char  *base_url,
                  char       **out_base_url,
                  GError     **error)
{
  g_autofree char *normalized = NULL;
  GHashTable *attributes;

  if (!check_kind (kind, error))
    return NULL;

  if (base_url == NULL)
    {
      g_set_error_literal (error, DA_SECURITY_ERROR,
                           DA_SECURITY_ERROR_INVALID_ARGUMENTS,
                           "invalid base URL: none given");
      return NULL;
    }

  normalized = da_keyring_normalize_base_url (base_url, error);
  if (normalized == NULL)
    return NULL;

  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (attributes, (gpointer) "provider", g_strdup (kind));
  g_hash_table_insert (attributes, (gpointer) "base-url", g_strdup (normalized));

  if (out_base_url != NULL)
    *out_base_url = g_steal_pointer (&normalized);

  return attributes;
}

static char *
make_label (const char *kind,
            const char *normalized_url)
{
  return g_strdup_printf ("DenoAgents API key for %s at %s", kind, normalized_url);
}

/* Turns a libsecret or D-Bus error into a DA_SECURITY_ERROR_KEYRING one;
 * cancellation stays G_IO_ERROR_CANCELLED. Takes ownership of @error. */
static GError *
keyring_error (GError *error)
{
  GError *ret;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);

  ret = g_error_new (DA_SECURITY_ERROR, DA_SECURITY_ERROR_KEYRING,
                     "the keyring is not available: %s", error->message);
  g_error_free (error);

  return ret;
}

static GError *
not_found_error (const char *kind,
                 const char *normalized_url)
{
  return g_error_new (DA_SECURITY_ERROR, DA_SECURITY_ERROR_NOT_FOUND,
                      "no API key stored for %s at %s", kind, normalized_url);
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const DaKeyringEntry *ea = *(const DaKeyringEntry * const *) a;
  const DaKeyringEntry *eb = *(const DaKeyringEntry * const *) b;
  int cmp = strcmp (ea->kind, eb->kind);

  return cmp != 0 ? cmp : strcmp (ea->base_url, eb->base_url);
}

/* Consumes @items (a GList of SecretRetrievable). Sorted, one entry per
 * (kind, base URL) even when several collections hold the pair. */
static GPtrArray *
entries_from_retrievables (GList *items)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) da_keyring_entry_free);

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      const char *kind = g_hash_table_lookup (attributes, "provider");
      const char *base_url = g_hash_table_lookup (attributes, "base-url");

      if (kind != NULL && base_url != NULL)
        g_ptr_array_add (all, da_keyring_entry_new (kind, base_url));
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_sort (all, compare_entries);

  for (guint i = 0; i < all->len; i++)
    {
      DaKeyringEntry *entry = g_ptr_array_index (all, i);

      if (entries->len > 0 &&
          compare_entries (&entries->pdata[entries->len - 1], &all->pdata[i]) == 0)
        da_keyring_entry_free (entry);
      else
        g_ptr_array_add (entries, entry);
    }

  return entries;
}

/* The _sync variants run the async ones on a private main context.
 * libsecret's own _sync functions drop their context while D-Bus signal
 * subscriptions of the items they loaded still have clean-ups queued on it,
 * which leaks; we dispatch everything pending before letting it go. */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} SyncCall;

static void
sync_call_begin (SyncCall *call)
{
  call->context = g_main_context_new ();
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
}

static void
sync_call_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncCall *call = user_data;

  call->result = g_object_ref (result);
}

static void
sync_call_wait (SyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
}

static void
sync_call_finish (SyncCall *call)
{
  g_clear_object (&call->result);
  while (g_main_context_iteration (call->context, FALSE))
    ;
  g_main_context_pop_thread_default (call->context);
  g_main_context_unref (call->context);
}

/* Store */

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
da_keyring_store_async (const char          *kind,
                        const char          *base_url,
                        const char          *secret,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *label = NULL;
  GError *error = NULL;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_keyring_store_async);

  attributes = build_attributes (kind, base_url, &normalized, &error);
  if (attributes == NULL || !check_secret (secret, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  label = make_label (kind, normalized);
  secret_password_storev (da_keyring_get_schema (), attributes,
                          SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, store_cb, g_steal_pointer (&task));
}

gboolean
da_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_keyring_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
da_keyring_store_sync (const char    *kind,
                       const char    *base_url,
                       const char    *secret,
                       GCancellable  *cancellable,
                       GError       **error)
{
  SyncCall call;
  gboolean ret;

  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sync_call_begin (&call);
  da_keyring_store_async (kind, base_url, secret, cancellable, sync_call_cb, &call);
  sync_call_wait (&call);
  ret = da_keyring_store_finish (call.result, error);
  sync_call_finish (&call);

  return ret;
}

/* Lookup */

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) da_keyring_secret_free);
}

void
da_keyring_lookup_async (const char          *kind,
                         const char          *base_url,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *error = NULL;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_keyring_lookup_async);

  attributes = build_attributes (kind, base_url, NULL, &error);
  if (attributes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  secret_password_lookupv (da_keyring_get_schema (), attributes, cancellable,
                           lookup_cb, g_steal_pointer (&task));
}

/**
 * da_keyring_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the key, to be freed with
 *   da_keyring_secret_free(); %NULL with no error when none is stored.
 */
char *
da_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_keyring_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
da_keyring_lookup_sync (const char    *kind,
                        const char    *base_url,
                        GCancellable  *cancellable,
                        GError       **error)
{
  SyncCall call;
  char *ret;

  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sync_call_begin (&call);
  da_keyring_lookup_async (kind, base_url, cancellable, sync_call_cb, &call);
  sync_call_wait (&call);
  ret = da_keyring_lookup_finish (call.result, error);
  sync_call_finish (&call);

  return ret;
}

/* Delete */

typedef struct
{
  char *kind;
  char *base_url;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_free (data->kind);
  g_free (data->base_url);
  g_free (data);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DeleteData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (secret_password_clear_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_error (task, not_found_error (data->kind, data->base_url));
}

void
da_keyring_delete_async (const char          *kind,
                         const char          *base_url,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *normalized = NULL;
  DeleteData *data;
  GError *error = NULL;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_keyring_delete_async);

  attributes = build_attributes (kind, base_url, &normalized, &error);
  if (attributes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (DeleteData, 1);
  data->kind = g_strdup (kind);
  data->base_url = g_steal_pointer (&normalized);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);

  secret_password_clearv (da_keyring_get_schema (), attributes, cancellable,
                          delete_cb, g_steal_pointer (&task));
}

/**
 * da_keyring_delete_finish:
 *
 * Returns: %TRUE when a key was removed; %FALSE with
 *   %DA_SECURITY_ERROR_NOT_FOUND when there was none.
 */
gboolean
da_keyring_delete_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_keyring_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
da_keyring_delete_sync (const char    *kind,
                        const char    *base_url,
                        GCancellable  *cancellable,
                        GError       **error)
{
  SyncCall call;
  gboolean ret;

  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  sync_call_begin (&call);
  da_keyring_delete_async (kind, base_url, cancellable, sync_call_cb, &call);
  sync_call_wait (&call);
  ret = da_keyring_delete_finish (call.result, error);
  sync_call_finish (&call);

  return ret;
}

/* List */

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_pointer (task, entries_from_retrievables (items),
                           (GDestroyNotify) g_ptr_array_unref);
}

void
da_keyring_list_async (GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_keyring_list_async);

  /* Only the attributes are read; the secrets are never loaded. */
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  secret_password_searchv (da_keyring_get_schema (), attributes,
                           SECRET_SEARCH_ALL, cancellable, list_cb,
                           g_steal_pointer (&task));
}

/**
 * da_keyring_list_finish:
 *
 * Returns: (transfer container) (element-type DaKeyringEntry): the stored
 *   keys' provider kinds and base URLs, sorted; never the keys themselves.
 */
GPtrArray *
da_keyring_list_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == da_keyring_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
da_keyring_list_sync (GCancellable  *cancellable,
                      GError       **error)
{
  SyncCall call;
  GPtrArray *ret;

  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sync_call_begin (&call);
  da_keyring_list_async (cancellable, sync_call_cb, &call);
  sync_call_wait (&call);
  ret = da_keyring_list_finish (call.result, error);
  sync_call_finish (&call);

  return ret;
}
