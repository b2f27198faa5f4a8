/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs against a real gnome-keyring-daemon: meson starts this test through
 * build-aux/test-session.sh. */
#include "config.h"

#include <string.h>

#include "da-keyring.h"
#include "da-security-error.h"

#define OPENAI_URL "https://api.openai.com/v1"
#define OLLAMA_URL "http://127.0.0.1:11434/v1"

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static void
remove_all (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = da_keyring_list_sync (NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      DaKeyringEntry *entry = g_ptr_array_index (entries, i);

      da_keyring_delete_sync (da_keyring_entry_get_kind (entry),
                              da_keyring_entry_get_base_url (entry),
                              NULL, &error);
      g_assert_no_error (error);
    }
}

static gboolean
list_contains (GPtrArray  *entries,
               const char *kind,
               const char *base_url)
{
  for (guint i = 0; i < entries->len; i++)
    {
      DaKeyringEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (da_keyring_entry_get_kind (entry), kind) &&
          g_str_equal (da_keyring_entry_get_base_url (entry), base_url))
        return TRUE;
    }

  return FALSE;
}

static void
test_keyring_normalize (void)
{
  static const struct { const char *in; const char *out; } good[] = {
    { "https://api.openai.com/v1", "https://api.openai.com/v1" },
    { "HTTPS://API.OpenAI.com/v1/", "https://api.openai.com/v1" },
    { "  https://api.openai.com/v1//  ", "https://api.openai.com/v1" },
    { "https://api.openai.com:443/v1", "https://api.openai.com/v1" },
    { "http://localhost:80/", "http://localhost" },
    { "https://localhost:80/", "https://localhost:80" },
    { "http://127.0.0.1:11434/v1/", "http://127.0.0.1:11434/v1" },
    { "http://[::1]:8080/V1/", "http://[::1]:8080/V1" },
    { "https://example.com/openai/deployments/x?api-version=2024-02-01",
      "https://example.com/openai/deployments/x?api-version=2024-02-01" },
  };
  static const char *bad[] = {
    "", "api.openai.com/v1", "ftp://example.com/", "file:///etc/passwd",
    "https://", "https://user:hunter2@example.com/v1", "https://example.com/#x",
    "not a url at all",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = da_keyring_normalize_base_url (good[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, good[i].out);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = da_keyring_normalize_base_url (bad[i], &error);

      g_assert_null (url);
      g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
      g_assert_null (strstr (error->message, "hunter2"));
    }
}

static void
test_keyring_async_cycle (void)
{
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) looked_up = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GAsyncResult) looked_up_again = NULL;
  g_autoptr(GAsyncResult) deleted_again = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();

  da_keyring_store_async ("openai", OPENAI_URL, "sk-test-0123456789", NULL,
                          result_cb, &stored);
  g_assert_true (da_keyring_store_finish (wait_for (&stored), &error));
  g_assert_no_error (error);

  da_keyring_lookup_async ("openai", OPENAI_URL, NULL, result_cb, &looked_up);
  secret = da_keyring_lookup_finish (wait_for (&looked_up), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-test-0123456789");
  da_keyring_secret_free (secret);

  da_keyring_list_async (NULL, result_cb, &listed);
  entries = da_keyring_list_finish (wait_for (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (da_keyring_entry_get_kind (entries->pdata[0]), ==, "openai");
  g_assert_cmpstr (da_keyring_entry_get_base_url (entries->pdata[0]), ==, OPENAI_URL);

  da_keyring_delete_async ("openai", OPENAI_URL, NULL, result_cb, &deleted);
  g_assert_true (da_keyring_delete_finish (wait_for (&deleted), &error));
  g_assert_no_error (error);

  da_keyring_lookup_async ("openai", OPENAI_URL, NULL, result_cb, &looked_up_again);
  secret = da_keyring_lookup_finish (wait_for (&looked_up_again), &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  da_keyring_delete_async ("openai", OPENAI_URL, NULL, result_cb, &deleted_again);
  g_assert_false (da_keyring_delete_finish (wait_for (&deleted_again), &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, OPENAI_URL));
}

static void
test_keyring_sync_cycle (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();

  g_assert_true (da_keyring_store_sync ("ollama", OLLAMA_URL, "local-key", NULL, &error));
  g_assert_no_error (error);

  secret = da_keyring_lookup_sync ("ollama", OLLAMA_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "local-key");
  da_keyring_secret_free (secret);

  g_assert_true (da_keyring_delete_sync ("ollama", OLLAMA_URL, NULL, &error));
  g_assert_no_error (error);

  entries = da_keyring_list_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);

  g_assert_false (da_keyring_delete_sync ("ollama", OLLAMA_URL, NULL, &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_NOT_FOUND);
}

static void
test_keyring_lookup_absent (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();

  secret = da_keyring_lookup_sync ("anthropic", "https://api.anthropic.com/v1", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  /* Same URL, another kind: no match either. */
  g_assert_true (da_keyring_store_sync ("openai", "https://api.anthropic.com/v1", "k1", NULL, &error));
  g_assert_no_error (error);
  secret = da_keyring_lookup_sync ("anthropic", "https://api.anthropic.com/v1", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
}

static void
test_keyring_normalized_match (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();

  g_assert_true (da_keyring_store_sync ("openai", "HTTPS://API.OpenAI.com:443/v1/", "sk-a", NULL, &error));
  g_assert_no_error (error);

  secret = da_keyring_lookup_sync ("openai", OPENAI_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-a");
  da_keyring_secret_free (secret);

  /* Storing under another spelling of the same URL replaces the key. */
  g_assert_true (da_keyring_store_sync ("openai", OPENAI_URL "//", "sk-b", NULL, &error));
  g_assert_no_error (error);

  secret = da_keyring_lookup_sync ("openai", "https://api.openai.com/v1/", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-b");
  da_keyring_secret_free (secret);

  entries = da_keyring_list_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (da_keyring_entry_get_base_url (entries->pdata[0]), ==, OPENAI_URL);

  g_assert_true (da_keyring_delete_sync ("openai", "https://API.openai.com/v1", NULL, &error));
  g_assert_no_error (error);
  secret = da_keyring_lookup_sync ("openai", OPENAI_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
}

static void
test_keyring_several (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();

  g_assert_true (da_keyring_store_sync ("openai", OPENAI_URL, "sk-cloud", NULL, &error));
  g_assert_true (da_keyring_store_sync ("openai", OLLAMA_URL, "sk-local", NULL, &error));
  g_assert_true (da_keyring_store_sync ("ollama", OLLAMA_URL, "ollama-key", NULL, &error));
  g_assert_no_error (error);

  entries = da_keyring_list_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  /* Sorted by kind, then URL. */
  g_assert_cmpstr (da_keyring_entry_get_kind (entries->pdata[0]), ==, "ollama");
  g_assert_cmpstr (da_keyring_entry_get_base_url (entries->pdata[1]), ==, OLLAMA_URL);
  g_assert_cmpstr (da_keyring_entry_get_base_url (entries->pdata[2]), ==, OPENAI_URL);
  g_assert_true (list_contains (entries, "openai", OPENAI_URL));
  g_assert_true (list_contains (entries, "openai", OLLAMA_URL));
  g_assert_true (list_contains (entries, "ollama", OLLAMA_URL));

  secret = da_keyring_lookup_sync ("openai", OLLAMA_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-local");
  da_keyring_secret_free (secret);

  g_assert_true (da_keyring_delete_sync ("openai", OLLAMA_URL, NULL, &error));
  g_assert_no_error (error);

  secret = da_keyring_lookup_sync ("ollama", OLLAMA_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "ollama-key");
  da_keyring_secret_free (secret);

  secret = da_keyring_lookup_sync ("openai", OPENAI_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "sk-cloud");
  da_keyring_secret_free (secret);
}

/* The item carries our schema, its two attributes and a readable label. */
static void
test_keyring_item_shape (void)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GHashTable) found_attributes = NULL;
  g_autoptr(GAsyncResult) searched = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  GList *items;

  remove_all ();

  g_assert_true (da_keyring_store_sync ("gemini", "https://Generativelanguage.googleapis.com/v1beta/",
                                        "g-key", NULL, &error));
  g_assert_no_error (error);

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "provider", (gpointer) "gemini");
  /* Not the _sync variant: it leaks the items' D-Bus clean-ups. */
  secret_password_searchv (da_keyring_get_schema (), attributes,
                           SECRET_SEARCH_ALL, NULL, result_cb, &searched);
  items = secret_password_search_finish (wait_for (&searched), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  label = secret_retrievable_get_label (items->data);
  g_assert_cmpstr (label, ==,
                   "DenoAgents API key for gemini at https://generativelanguage.googleapis.com/v1beta");
  found_attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (found_attributes, "xdg:schema"), ==, DA_KEYRING_SCHEMA_NAME);
  g_assert_cmpstr (g_hash_table_lookup (found_attributes, "base-url"), ==,
                   "https://generativelanguage.googleapis.com/v1beta");

  g_list_free_full (items, g_object_unref);
  /* The items' D-Bus clean-ups run on this context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_keyring_invalid_arguments (void)
{
  static const char *bad_keys[] = { "", "sk-line\nbreak", "sk-\r\nX-Injected: 1", "tab\tkey" };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();

  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_assert_false (da_keyring_store_sync ("openai", OPENAI_URL, bad_keys[i], NULL, &error));
      g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
      if (bad_keys[i][0] != '\0')
        g_assert_null (strstr (error->message, bad_keys[i]));
      g_clear_error (&error);
    }

  g_assert_false (da_keyring_store_sync ("OpenAI", OPENAI_URL, "sk-x", NULL, &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
  g_clear_error (&error);

  g_assert_false (da_keyring_store_sync ("", OPENAI_URL, "sk-x", NULL, &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
  g_clear_error (&error);

  g_assert_false (da_keyring_store_sync ("openai", "https://user:sk-in-url@example.com/", "sk-x", NULL, &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
  g_assert_null (strstr (error->message, "sk-in-url"));
  g_clear_error (&error);

  secret = da_keyring_lookup_sync ("openai", "ftp://example.com", NULL, &error);
  g_assert_null (secret);
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
  g_clear_error (&error);

  g_assert_false (da_keyring_delete_sync ("open ai", OPENAI_URL, NULL, &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
  g_clear_error (&error);

  /* Nothing was stored by any of these. */
  entries = da_keyring_list_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_keyring_invalid_arguments_async (void)
{
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GError) error = NULL;

  da_keyring_store_async ("openai", OPENAI_URL, "", NULL, result_cb, &stored);
  g_assert_false (da_keyring_store_finish (wait_for (&stored), &error));
  g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_INVALID_ARGUMENTS);
}

static void
test_keyring_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  remove_all ();
  g_cancellable_cancel (cancellable);

  da_keyring_store_async ("openai", OPENAI_URL, "sk-cancelled", cancellable,
                          result_cb, &stored);
  g_assert_false (da_keyring_store_finish (wait_for (&stored), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  secret = da_keyring_lookup_sync ("openai", OPENAI_URL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
}

/* Without a Secret Service every call fails with KEYRING, not a crash and
 * not "absent". Runs in a child whose session bus address leads nowhere. */
static void
test_keyring_unavailable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(GError) error = NULL;
      char *secret;

      secret = da_keyring_lookup_sync ("openai", OPENAI_URL, NULL, &error);
      g_assert_null (secret);
      g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_KEYRING);
      g_clear_error (&error);

      g_assert_false (da_keyring_store_sync ("openai", OPENAI_URL, "sk-nowhere", NULL, &error));
      g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_KEYRING);
      g_assert_null (strstr (error->message, "sk-nowhere"));
      g_clear_error (&error);

      entries = da_keyring_list_sync (NULL, &error);
      g_assert_null (entries);
      g_assert_error (error, DA_SECURITY_ERROR, DA_SECURITY_ERROR_KEYRING);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_keyring_entry_boxed (void)
{
  g_autoptr(DaKeyringEntry) entry = da_keyring_entry_new ("openai", OPENAI_URL);
  g_autoptr(DaKeyringEntry) copy = g_boxed_copy (DA_TYPE_KEYRING_ENTRY, entry);

  g_assert_true (copy != entry);
  g_assert_cmpstr (da_keyring_entry_get_kind (copy), ==, "openai");
  g_assert_cmpstr (da_keyring_entry_get_base_url (copy), ==, OPENAI_URL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* The child of /keyring/unavailable talks to no bus at all. */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--GTestSubprocess"))
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/da-no-bus", TRUE);

  if (g_getenv ("DA_TEST_SESSION") == NULL)
    {
      g_printerr ("test-keyring: run me through build-aux/test-session.sh "
                  "(it would otherwise write to your own keyring)\n");
      return 1;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring/normalize", test_keyring_normalize);
  g_test_add_func ("/keyring/entry-boxed", test_keyring_entry_boxed);
  g_test_add_func ("/keyring/async-cycle", test_keyring_async_cycle);
  g_test_add_func ("/keyring/sync-cycle", test_keyring_sync_cycle);
  g_test_add_func ("/keyring/lookup-absent", test_keyring_lookup_absent);
  g_test_add_func ("/keyring/normalized-match", test_keyring_normalized_match);
  g_test_add_func ("/keyring/several", test_keyring_several);
  g_test_add_func ("/keyring/item-shape", test_keyring_item_shape);
  g_test_add_func ("/keyring/invalid-arguments", test_keyring_invalid_arguments);
  g_test_add_func ("/keyring/invalid-arguments-async", test_keyring_invalid_arguments_async);
  g_test_add_func ("/keyring/cancelled", test_keyring_cancelled);
  g_test_add_func ("/keyring/unavailable", test_keyring_unavailable);

  ret = g_test_run ();

  secret_service_disconnect ();

  return ret;
}
