/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <sys/resource.h>

#include "da-app-security.h"
#include "da-application.h"
#include "da-rendering.h"
#include "da-chat-session.h"
#include "da-code-block.h"
#include "da-keyring.h"
#include "da-store-jobs.h"
#include "da-util.h"
#include "da-resources.h"
#include "da-team-actions.h"
#include "da-window.h"

struct _DaApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GListStore     *sessions;
  DaStore        *store;
  char           *store_error;
  GPtrArray      *pending_deletes;
  GCancellable   *cancellable;
  gboolean        history_loaded;
};

G_DEFINE_FINAL_TYPE (DaApplication, da_application, ADW_TYPE_APPLICATION)

enum {
  PROVIDERS_CHANGED,
  AGENTS_CHANGED,
  HISTORY_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define SCHEMA_ID "io.github.denoagents.DenoAgents"

static void
apply_color_scheme (DaApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwStyleManager *manager = adw_style_manager_get_default ();
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    value = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (manager, value);
}

static void
color_scheme_changed_cb (DaApplication *self,
                         const char    *key,
                         GSettings     *settings)
{
  apply_color_scheme (self);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DaApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows lets each save its state and stop its streams. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }

  g_application_quit (G_APPLICATION (self));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  DaApplication *self = user_data;
  DaWindow *window = da_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DaApplication *self = user_data;
  static const char *developers[] = { "The DenoAgents developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("DenoAgents"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Run teams of language-model agents safely"),
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "new-window", new_window_action },
  { "about", about_action },
};

/* Providers used to live in GSettings; they move to the store once. */
static void
migrate_providers (DaApplication *self)
{
  g_autoptr(GVariant) providers = g_settings_get_value (self->settings, "providers");
  const char *kind, *url, *model;
  GVariantIter iter;

  if (self->store == NULL || g_variant_n_children (providers) == 0)
    return;

  g_variant_iter_init (&iter, providers);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &kind, &url, &model))
    da_application_add_provider (self, kind, url, model);
  g_settings_reset (self->settings, "providers");
}

static void refresh_sessions (DaApplication *self);

static DaAgentSpec *
spec_from_stored (const DaStoredAgent *agent)
{
  g_autoptr(GError) error = NULL;
  DaAgentSpec *spec = da_agent_spec_from_json (agent->config_json, &error);

  if (spec == NULL)
    g_warning ("Agent “%s” in the library is unreadable: %s", agent->name, error->message);

  return spec;
}

static void
conversations_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(DaApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = da_store_jobs_list_conversations_finish (result, &error);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) agents = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (conversations == NULL)
    {
      g_warning ("The history could not be read: %s", error->message);
      da_set_str (&self->store_error, error->message);
    }
  else
    {
      agents = da_application_list_agents (self);
      for (guint i = 0; i < conversations->len; i++)
        {
          DaConversation *conversation = g_ptr_array_index (conversations, i);
          const char *name = da_conversation_get_team_name (conversation);
          g_autoptr(DaAgentSpec) spec = NULL;

          if (da_application_find_session (self, da_conversation_get_id (conversation)) != NULL)
            continue;

          for (guint j = 0; j < agents->len && spec == NULL; j++)
            {
              DaStoredAgent *agent = g_ptr_array_index (agents, j);

              if (g_strcmp0 (agent->name, name) == 0)
                spec = spec_from_stored (agent);
            }

          g_ptr_array_add (sessions, da_chat_session_new_for_conversation (self->store, conversation, spec));
        }

      g_list_store_splice (self->sessions, g_list_model_get_n_items (G_LIST_MODEL (self->sessions)),
                           0, sessions->pdata, sessions->len);
    }

  self->history_loaded = TRUE;
  g_signal_emit (self, signals[HISTORY_LOADED], 0);
}

static void
open_store (DaApplication *self)
{
  g_autofree char *path = da_store_default_path ();
  g_autoptr(GError) error = NULL;

  self->store = da_store_new (path, &error);
  if (self->store == NULL)
    {
      g_warning ("The history database %s could not be opened: %s", path, error->message);
      self->store_error = g_strdup (error->message);
      self->history_loaded = TRUE;
      return;
    }

  migrate_providers (self);
  da_store_jobs_list_conversations_async (path, self->cancellable,
                                          conversations_loaded_cb, g_object_ref (self));
}

static void
da_application_startup (GApplication *app)
{
  DaApplication *self = DA_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_chat_accels[] = { "<Control>n", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *stop_accels[] = { "Escape", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  static const char *agents_accels[] = { "<Control><Shift>a", NULL };
  g_autoptr(GAction) scheme_action = NULL;

  da_register_resource ();
  g_application_set_resource_base_path (app, "/io/github/denoagents/DenoAgents");

  G_APPLICATION_CLASS (da_application_parent_class)->startup (app);
  /* GDK has read its flags: programs we start do not inherit ours. */
  da_rendering_forget ();

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  da_team_actions_install (GTK_APPLICATION (self));
  scheme_action = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (self), scheme_action);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-chat", new_chat_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.stop", stop_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.agents", agents_accels);

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  open_store (self);
}

/* The start-up benchmark (tests/bench/app) sets DA_BENCH_FIRST_FRAME: the
 * application prints the monotonic time of its first painted frame, then,
 * settled, its resident memory, and quits. */
static gboolean
bench_settled_cb (gpointer user_data)
{
  g_autofree char *status = NULL;
  const char *rss;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (rss = strstr (status, "VmRSS:")) != NULL)
    g_print ("rss-kb %" G_GINT64_FORMAT "\n", g_ascii_strtoll (rss + 6, NULL, 10));
  g_application_quit (G_APPLICATION (user_data));

  return G_SOURCE_REMOVE;
}

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      GApplication  *app)
{
  struct rusage usage;

  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  getrusage (RUSAGE_SELF, &usage);
  g_print ("first-frame-cpu-us %" G_GINT64_FORMAT "\n",
           (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
           usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, app);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 2000, bench_settled_cb, g_object_ref (app), g_object_unref);
}

static void
bench_realize_cb (GtkWidget    *window,
                  GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (bench_after_paint_cb), app);
}

/* What the first frame does not need is set up when the application is
 * idle after it. */
static gboolean
warm_up_cb (gpointer user_data)
{
  da_code_block_warm_up ();

  return G_SOURCE_REMOVE;
}

static void
first_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, first_paint_cb, user_data);
  g_idle_add_full (G_PRIORITY_LOW, warm_up_cb, NULL, NULL);
}

static void
first_realize_cb (GtkWidget *window,
                  gpointer   user_data)
{
  g_signal_handlers_disconnect_by_func (window, first_realize_cb, user_data);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (first_paint_cb), NULL);
}

static void
da_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (da_window_new (DA_APPLICATION (app)));
      g_signal_connect (window, "realize", G_CALLBACK (first_realize_cb), NULL);
      if (g_getenv ("DA_BENCH_FIRST_FRAME") != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (bench_realize_cb), app);
    }

  gtk_window_present (window);
}

static void
da_application_shutdown (GApplication *app)
{
  DaApplication *self = DA_APPLICATION (app);

  /* Deletions whose undo toast was still showing happen now. */
  while (self->pending_deletes->len > 0)
    da_application_finish_delete (self, g_ptr_array_index (self->pending_deletes, 0));

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      da_chat_session_stop (session);
    }
  if (self->store != NULL)
    da_store_flush (self->store);

  G_APPLICATION_CLASS (da_application_parent_class)->shutdown (app);
}

static void
da_application_finalize (GObject *object)
{
  DaApplication *self = DA_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->sessions);
  g_clear_pointer (&self->pending_deletes, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_free (self->store_error);

  G_OBJECT_CLASS (da_application_parent_class)->finalize (object);
}

static void
da_application_class_init (DaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = da_application_finalize;
  app_class->startup = da_application_startup;
  app_class->activate = da_application_activate;
  app_class->shutdown = da_application_shutdown;

  signals[PROVIDERS_CHANGED] = g_signal_new ("providers-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[AGENTS_CHANGED] = g_signal_new ("agents-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[HISTORY_LOADED] = g_signal_new ("history-loaded", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
da_application_init (DaApplication *self)
{
  self->settings = g_settings_new (SCHEMA_ID);
  self->sessions = g_list_store_new (DA_TYPE_CHAT_SESSION);
  self->pending_deletes = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

DaApplication *
da_application_new (void)
{
  return g_object_new (DA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

GSettings *
da_application_get_settings (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* NULL when the history database could not be opened (see
 * da_application_get_store_error()); the application then keeps
 * conversations in memory only. */
DaStore *
da_application_get_store (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  return self->store;
}

const char *
da_application_get_store_error (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  return self->store_error;
}

gboolean
da_application_get_history_loaded (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), FALSE);

  return self->history_loaded;
}

/* Open conversations live in the application so that several windows can
 * show the same one, and a reply keeps streaming while another is shown. */
GListModel *
da_application_get_sessions (DaApplication *self)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (self->sessions);
}

void
da_application_add_session (DaApplication *self,
                            gpointer       session)
{
  g_return_if_fail (DA_IS_APPLICATION (self));
  g_return_if_fail (DA_IS_CHAT_SESSION (session));

  g_list_store_insert (self->sessions, 0, session);
}

void
da_application_remove_session (DaApplication *self,
                               gpointer       session)
{
  guint position;

  g_return_if_fail (DA_IS_APPLICATION (self));

  if (g_list_store_find (self->sessions, session, &position))
    g_list_store_remove (self->sessions, position);
}

gpointer
da_application_find_session (DaApplication *self,
                             gint64         conversation_id)
{
  GListModel *sessions;

  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  if (conversation_id < 0)
    return NULL;

  sessions = G_LIST_MODEL (self->sessions);
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (sessions, i);

      if (da_chat_session_get_conversation_id (session) == conversation_id)
        return session;
    }

  return NULL;
}

/* Takes the conversation out of the list; its row goes when
 * da_application_finish_delete() is called (the undo toast expired) or
 * at the latest when the application quits. */
void
da_application_delete_later (DaApplication *self,
                             gpointer       session)
{
  g_return_if_fail (DA_IS_APPLICATION (self));
  g_return_if_fail (DA_IS_CHAT_SESSION (session));

  da_chat_session_stop (session);
  if (!g_ptr_array_find (self->pending_deletes, session, NULL))
    g_ptr_array_add (self->pending_deletes, g_object_ref (session));
  da_application_remove_session (self, session);
}

void
da_application_undo_delete (DaApplication *self,
                            gpointer       session)
{
  g_return_if_fail (DA_IS_APPLICATION (self));

  if (g_ptr_array_remove (self->pending_deletes, session))
    da_application_add_session (self, session);
}

void
da_application_finish_delete (DaApplication *self,
                              gpointer       session)
{
  g_autoptr(GError) error = NULL;
  guint index;

  g_return_if_fail (DA_IS_APPLICATION (self));

  if (!g_ptr_array_find (self->pending_deletes, session, &index))
    return;

  if (!da_chat_session_delete_stored (session, &error))
    g_warning ("The conversation could not be deleted: %s", error->message);
  g_ptr_array_remove_index (self->pending_deletes, index);
}

/* Every conversation and message; agents and providers stay. */
gboolean
da_application_delete_everything (DaApplication  *self,
                                  GError        **error)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      da_chat_session_stop (session);
    }

  if (self->store != NULL && !da_store_delete_all (self->store, error))
    return FALSE;

  g_ptr_array_set_size (self->pending_deletes, 0);
  g_list_store_remove_all (self->sessions);

  return TRUE;
}

/* Providers */

static int
compare_provider_ids (gconstpointer a,
                      gconstpointer b)
{
  const DaStoredProvider *pa = *(DaStoredProvider **) a;
  const DaStoredProvider *pb = *(DaStoredProvider **) b;

  return (pa->id > pb->id) - (pa->id < pb->id);
}

/* The providers in the order they were added; the first is the default. */
GPtrArray *
da_application_list_providers (DaApplication *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *providers = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  if (self->store != NULL)
    providers = da_store_list_providers (self->store, &error);
  if (providers == NULL)
    {
      if (error != NULL)
        g_warning ("Providers could not be read: %s", error->message);
      return g_ptr_array_new_with_free_func ((GDestroyNotify) da_stored_provider_free);
    }

  g_ptr_array_sort (providers, compare_provider_ids);

  return providers;
}

gboolean
da_application_get_default_provider (DaApplication  *self,
                                     char          **kind,
                                     char          **base_url,
                                     char          **model)
{
  g_autoptr(GPtrArray) providers = NULL;
  DaStoredProvider *first;

  g_return_val_if_fail (DA_IS_APPLICATION (self), FALSE);

  providers = da_application_list_providers (self);
  if (providers->len == 0)
    return FALSE;

  first = g_ptr_array_index (providers, 0);
  *kind = g_strdup (first->kind);
  *base_url = g_strdup (first->base_url);
  *model = g_strdup (first->default_model ? first->default_model : "");

  return TRUE;
}

/* The first provider also makes the first agent, "Assistant". */
static void
ensure_default_agent (DaApplication *self)
{
  g_autoptr(GPtrArray) agents = da_application_list_agents (self);
  g_autoptr(DaAgentSpec) spec = NULL;
  g_autofree char *kind = NULL, *url = NULL, *model = NULL;
  g_autoptr(GError) error = NULL;

  if (agents->len > 0 || !da_application_get_default_provider (self, &kind, &url, &model))
    return;

  spec = da_agent_spec_new (_("Assistant"));
  spec->description = g_strdup (_("A helpful general assistant"));
  spec->provider_kind = g_steal_pointer (&kind);
  spec->base_url = g_steal_pointer (&url);
  spec->model = *model ? g_steal_pointer (&model) : NULL;
  if (da_application_save_agent (self, -1, spec, &error) < 0)
    g_warning ("The first agent could not be saved: %s", error->message);
}

/* The same server again replaces the old entry. */
gint64
da_application_add_provider (DaApplication *self,
                             const char    *kind,
                             const char    *base_url,
                             const char    *model)
{
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = -1;

  g_return_val_if_fail (DA_IS_APPLICATION (self), -1);
  g_return_val_if_fail (kind != NULL && base_url != NULL, -1);

  if (self->store == NULL)
    return -1;

  providers = da_application_list_providers (self);
  for (guint i = 0; i < providers->len; i++)
    {
      DaStoredProvider *provider = g_ptr_array_index (providers, i);

      if (g_str_equal (provider->kind, kind) && g_strcmp0 (provider->base_url, base_url) == 0)
        id = provider->id;
    }

  id = da_store_save_provider (self->store, id, kind, base_url,
                               model && *model ? model : NULL, NULL, &error);
  if (id < 0)
    {
      g_warning ("The provider could not be saved: %s", error->message);
      return -1;
    }

  ensure_default_agent (self);
  g_signal_emit (self, signals[PROVIDERS_CHANGED], 0);

  return id;
}

static gboolean
spec_uses (const DaAgentSpec      *spec,
           const DaStoredProvider *provider)
{
  return spec != NULL && spec->provider_kind != NULL &&
         g_strcmp0 (spec->provider_kind, provider->kind) == 0 &&
         g_strcmp0 (spec->base_url, provider->base_url) == 0;
}

/* The key goes with the provider. The agents that used it keep their
 * reference and are then agents without a provider
 * (da_application_agent_has_provider()): the library and the chat ask the
 * person to choose another one. */
void
da_application_remove_provider (DaApplication *self,
                                 gint64         id)
{
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) users = NULL;

  g_return_if_fail (DA_IS_APPLICATION (self));

  users = da_application_list_agents_using_provider (self, id);
  providers = da_application_list_providers (self);
  for (guint i = 0; i < providers->len; i++)
    {
      DaStoredProvider *provider = g_ptr_array_index (providers, i);

      if (provider->id == id)
        da_keyring_delete_async (provider->kind, provider->base_url, NULL, NULL, NULL);
    }

  if (self->store != NULL && !da_store_delete_provider (self->store, id, &error))
    g_warning ("The provider could not be removed: %s", error->message);
  g_signal_emit (self, signals[PROVIDERS_CHANGED], 0);

  if (users[0] != NULL)
    {
      /* Open chats drop the agents made with the old provider. */
      refresh_sessions (self);
      g_signal_emit (self, signals[AGENTS_CHANGED], 0);
    }
}

/**
 * da_application_list_agents_using_provider:
 *
 * Returns: (transfer full): the names of the library's agents that chat
 *   through the provider @id, for the confirmation before it is removed
 */
GStrv
da_application_list_agents_using_provider (DaApplication *self,
                                           gint64         id)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  DaStoredProvider *provider = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  providers = da_application_list_providers (self);
  for (guint i = 0; i < providers->len; i++)
    if (((DaStoredProvider *) g_ptr_array_index (providers, i))->id == id)
      provider = g_ptr_array_index (providers, i);

  agents = da_application_list_agents (self);
  for (guint i = 0; provider != NULL && i < agents->len; i++)
    {
      DaStoredAgent *agent = g_ptr_array_index (agents, i);
      g_autoptr(DaAgentSpec) spec = spec_from_stored (agent);

      if (spec_uses (spec, provider))
        g_strv_builder_add (names, agent->name);
    }

  return g_strv_builder_end (names);
}

/**
 * da_application_agent_has_provider:
 *
 * Returns: whether @spec names a provider that is still configured; an
 *   agent whose provider was removed needs another one before it chats
 */
gboolean
da_application_agent_has_provider (DaApplication     *self,
                                   const DaAgentSpec *spec)
{
  g_autoptr(GPtrArray) providers = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), FALSE);

  if (spec == NULL || spec->provider_kind == NULL)
    return FALSE;

  providers = da_application_list_providers (self);
  for (guint i = 0; i < providers->len; i++)
    if (spec_uses (spec, g_ptr_array_index (providers, i)))
      return TRUE;
  return FALSE;
}

/* Agents */

GPtrArray *
da_application_list_agents (DaApplication *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *agents = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  if (self->store != NULL)
    agents = da_store_list_agents (self->store, &error);
  if (agents == NULL)
    {
      if (error != NULL)
        g_warning ("The agent library could not be read: %s", error->message);
      return g_ptr_array_new_with_free_func ((GDestroyNotify) da_stored_agent_free);
    }

  return agents;
}

DaAgentSpec *
da_application_find_agent (DaApplication *self,
                           const char    *name,
                           gint64        *id)
{
  g_autoptr(GPtrArray) agents = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  agents = da_application_list_agents (self);
  for (guint i = 0; i < agents->len; i++)
    {
      DaStoredAgent *agent = g_ptr_array_index (agents, i);

      if (g_strcmp0 (agent->name, name) == 0)
        {
          if (id != NULL)
            *id = agent->id;
          return spec_from_stored (agent);
        }
    }

  return NULL;
}

static void
refresh_sessions (DaApplication *self)
{
  GListModel *sessions = G_LIST_MODEL (self->sessions);

  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(DaChatSession) session = g_list_model_get_item (sessions, i);
      g_autoptr(DaAgentSpec) spec = da_application_find_agent (self, da_chat_session_get_agent_name (session), NULL);

      da_chat_session_set_agent (session, spec);
    }
}

/* Saving or deleting an agent moves or deletes its "always" grants in the
 * database; the broker reads them again. */
static void
forget_grants (void)
{
  DaAppSecurity *security = da_app_security_peek_default ();

  if (security != NULL)
    da_permission_broker_reload_grants (da_app_security_get_broker (security));
}

gint64
da_application_save_agent (DaApplication      *self,
                           gint64              id,
                           const DaAgentSpec  *spec,
                           GError            **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (DA_IS_APPLICATION (self), -1);
  g_return_val_if_fail (spec != NULL, -1);

  if (self->store == NULL)
    {
      g_set_error_literal (error, DA_STORE_ERROR, DA_STORE_ERROR_OPEN,
                           self->store_error ? self->store_error : "No history database");
      return -1;
    }

  json = da_agent_spec_to_json (spec);
  id = da_store_save_agent (self->store, id, spec->name, json, error);
  if (id >= 0)
    {
      forget_grants ();
      refresh_sessions (self);
      g_signal_emit (self, signals[AGENTS_CHANGED], 0);
    }

  return id;
}

gboolean
da_application_delete_agent (DaApplication  *self,
                             gint64          id,
                             GError        **error)
{
  g_return_val_if_fail (DA_IS_APPLICATION (self), FALSE);

  if (self->store == NULL || !da_store_delete_agent (self->store, id, error))
    return FALSE;

  forget_grants ();
  refresh_sessions (self);
  g_signal_emit (self, signals[AGENTS_CHANGED], 0);

  return TRUE;
}

/* The agent last chosen for a new chat, else the first of the library. */
DaAgentSpec *
da_application_get_default_agent (DaApplication *self)
{
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  DaAgentSpec *spec;

  g_return_val_if_fail (DA_IS_APPLICATION (self), NULL);

  ensure_default_agent (self);
  name = g_settings_get_string (self->settings, "default-agent");
  if (*name != '\0' && (spec = da_application_find_agent (self, name, NULL)) != NULL)
    return spec;

  agents = da_application_list_agents (self);
  for (guint i = 0; i < agents->len; i++)
    if ((spec = spec_from_stored (g_ptr_array_index (agents, i))) != NULL)
      return spec;

  return NULL;
}
