/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/*
 * API keys live in the Secret Service (gnome-keyring, KWallet…), one item
 * per provider kind and base URL, in the default collection, under the
 * schema "io.github.denoagents.DenoAgents.ApiKey" with the string
 * attributes "provider" and "base-url". Base URLs are normalised before
 * they are stored or looked up, so "HTTPS://API.example.com/v1/" and
 * "https://api.example.com/v1" name the same key.
 *
 * Errors are DA_SECURITY_ERROR_INVALID_ARGUMENTS (bad kind, URL or key),
 * DA_SECURITY_ERROR_KEYRING (the keyring failed or is unavailable),
 * DA_SECURITY_ERROR_NOT_FOUND (deleting a key that is not there), or
 * G_IO_ERROR_CANCELLED. No error message ever contains a key.
 */

#define DA_KEYRING_SCHEMA_NAME "io.github.denoagents.DenoAgents.ApiKey"

#define DA_TYPE_KEYRING_ENTRY (da_keyring_entry_get_type ())

typedef struct _DaKeyringEntry DaKeyringEntry;

GType               da_keyring_entry_get_type      (void) G_GNUC_CONST;
DaKeyringEntry     *da_keyring_entry_new           (const char            *kind,
                                                    const char            *base_url);
DaKeyringEntry     *da_keyring_entry_copy          (const DaKeyringEntry  *self);
void                da_keyring_entry_free          (DaKeyringEntry        *self);
const char         *da_keyring_entry_get_kind      (const DaKeyringEntry  *self);
const char         *da_keyring_entry_get_base_url  (const DaKeyringEntry  *self);

const SecretSchema *da_keyring_get_schema          (void);
char               *da_keyring_normalize_base_url  (const char            *base_url,
                                                    GError               **error);
void                da_keyring_secret_free         (char                  *secret);

void                da_keyring_store_async         (const char            *kind,
                                                    const char            *base_url,
                                                    const char            *secret,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
gboolean            da_keyring_store_finish        (GAsyncResult          *result,
                                                    GError               **error);
gboolean            da_keyring_store_sync          (const char            *kind,
                                                    const char            *base_url,
                                                    const char            *secret,
                                                    GCancellable          *cancellable,
                                                    GError               **error);

void                da_keyring_lookup_async        (const char            *kind,
                                                    const char            *base_url,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
char               *da_keyring_lookup_finish       (GAsyncResult          *result,
                                                    GError               **error);
char               *da_keyring_lookup_sync         (const char            *kind,
                                                    const char            *base_url,
                                                    GCancellable          *cancellable,
                                                    GError               **error);

void                da_keyring_delete_async        (const char            *kind,
                                                    const char            *base_url,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
gboolean            da_keyring_delete_finish       (GAsyncResult          *result,
                                                    GError               **error);
gboolean            da_keyring_delete_sync         (const char            *kind,
                                                    const char            *base_url,
                                                    GCancellable          *cancellable,
                                                    GError               **error);

void                da_keyring_list_async          (GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
GPtrArray          *da_keyring_list_finish         (GAsyncResult          *result,
                                                    GError               **error);
GPtrArray          *da_keyring_list_sync           (GCancellable          *cancellable,
                                                    GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaKeyringEntry, da_keyring_entry_free)

G_END_DECLS
