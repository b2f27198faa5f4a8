/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "da-app-security.h"
#include "da-chat-view.h"
#include "da-group-chat-window.h"
#include "da-team-agents.h"

/* A team at work: who takes part, who speaks now, the round counter, the
 * shared thread (the chat view's rows), why the team stopped, and the
 * person's part — the task, answers when a user proxy asks, and the next
 * speaker when the selection is manual. Agents get the tools and
 * permissions of their team-file entries (da-app-security.c). The
 * conversation is recorded in the store like any other, under the team's
 * name. */

struct _DaGroupChatWindow
{
  AdwApplicationWindow  parent_instance;

  DaTeamConfig         *config;
  DaStore              *store;
  gint64                conversation_id;

  GPtrArray            *agents;
  DaGroupChat          *chat;
  GListStore           *messages;
  GCancellable         *cancellable;
  char                 *pending_task;
  gboolean              creating;
  gboolean              running;
  gboolean              disposed;
  guint                 round;

  DaHumanInputRequest  *human_request;
  char                 *human_agent;
  DaHumanInputRequest  *selection_request;
  AdwMessageDialog     *selection_dialog;

  GHashTable           *participants;    /* name → GtkWidget (the tile) */
  char                 *round_text;
  char                 *banner_text;
  char                 *speaker_text;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkInfoBar           *banner;
  GtkLabel             *banner_label;
  GtkBox               *participants_box;
  GtkLabel             *speaker_label;
  DaChatView           *chat_view;
};

G_DEFINE_FINAL_TYPE (DaGroupChatWindow, da_group_chat_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_run (DaGroupChatWindow *self,
                       const char        *task);

char *
da_group_chat_describe_stop_reason (const char *reason,
                                    guint       max_round)
{
  if (reason == NULL || *reason == '\0')
    return g_strdup (_("The team stopped."));
  if (g_str_equal (reason, "cancelled") || g_str_equal (reason, "external_stop"))
    return g_strdup (_("You stopped the team. Resume continues where it stopped."));
  if (g_str_equal (reason, "max_round"))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The team reached its limit of %u message.",
                                         "The team reached its limit of %u messages.",
                                         max_round), max_round);
  if (g_str_equal (reason, "graph_complete"))
    return g_strdup (_("The flow is complete: no step leads on."));
  if (g_str_has_prefix (reason, "no_eligible_speaker"))
    return g_strdup (_("Nobody may speak next under the team’s transitions."));
  if (g_str_has_prefix (reason, "termination_message: "))
    return g_strdup_printf (_("Finished: %s"), reason + strlen ("termination_message: "));
  if (g_str_has_prefix (reason, "error: "))
    return g_strdup_printf (_("Failed: %s"), reason + strlen ("error: "));
  if (g_str_has_prefix (reason, "timeout: "))
    return g_strdup_printf (_("The team ran out of time (%s). Resume continues where it stopped."),
                            reason + strlen ("timeout: "));
  if (g_str_has_prefix (reason, "handoff: ") &&
      g_str_has_suffix (reason, " handed over to " DA_HANDOFF_PERSON))
    {
      const char *name = reason + strlen ("handoff: ");
      g_autofree char *agent = g_strndup (name, strlen (name) - strlen (" handed over to " DA_HANDOFF_PERSON));

      return g_strdup_printf (_("%s handed the conversation to you. Write your answer; it goes back to %s."),
                              agent, agent);
    }

  return g_strdup_printf (_("Stopped: %s"), reason);
}

static guint
max_round (DaGroupChatWindow *self)
{
  if (self->chat != NULL)
    return da_group_chat_get_max_round (self->chat);
  return self->config->max_round > 0 ? (guint)self->config->max_round : DA_GROUP_CHAT_DEFAULT_MAX_ROUND;
}

static void
update_state (DaGroupChatWindow *self)
{
  gboolean busy = self->creating || self->running;
  gboolean waiting = self->human_request != NULL || self->selection_request != NULL;
  gboolean has_thread = self->chat != NULL && da_group_chat_get_messages (self->chat)->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-team", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume-team", !busy && has_thread);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run-team", !busy);

  /* The composer is open for the task, for follow-ups between runs, and
   * when a user proxy waits for the person. */
  da_chat_view_set_busy (self->chat_view, busy && !waiting);

  if (self->round_text == NULL)
    adw_window_title_set_subtitle (self->window_title, _("Write a task to start"));
  else
    adw_window_title_set_subtitle (self->window_title, self->round_text);
}

static void
set_round (DaGroupChatWindow *self,
           guint              round)
{
  self->round = round;
  g_free (self->round_text);
  self->round_text = g_strdup_printf (_("Round %u of %u"), round, max_round (self));
  update_state (self);
}

static void
show_banner (DaGroupChatWindow *self,
             GtkMessageType     type,
             const char        *text)
{
  g_free (self->banner_text);
  self->banner_text = g_strdup (text);
  if (text != NULL)
    {
      gtk_label_set_label (self->banner_label, text);
      gtk_info_bar_set_message_type (self->banner, type);
    }
  gtk_info_bar_set_revealed (self->banner, text != NULL);
}

static void
highlight_speaker (DaGroupChatWindow *self,
                   const char        *name)
{
  GHashTableIter iter;
  const char *key;
  GtkWidget *tile;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, (gpointer *)&key, (gpointer *)&tile))
    {
      gboolean speaking = name != NULL && g_str_equal (key, name);

      gtk_widget_set_opacity (tile, name == NULL || speaking ? 1.0 : 0.45);
      if (speaking)
        gtk_widget_add_css_class (tile, "accent");
      else
        gtk_widget_remove_css_class (tile, "accent");
    }

  g_free (self->speaker_text);
  self->speaker_text = name ? g_strdup_printf (_("%s is speaking…"), name) : NULL;
  gtk_label_set_label (self->speaker_label, self->speaker_text ? self->speaker_text : "");
}

static void
build_participants (DaGroupChatWindow *self)
{
  for (guint i = 0; i < self->config->agents->len; i++)
    {
      const DaAgentConfig *agent = g_ptr_array_index (self->config->agents, i);
      GtkWidget *tile = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *avatar = adw_avatar_new (40, agent->name, TRUE);
      GtkWidget *label = gtk_label_new (agent->name);

      if (agent->description != NULL)
        gtk_widget_set_tooltip_text (tile, agent->description);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (tile), avatar);
      gtk_box_append (GTK_BOX (tile), label);
      gtk_box_append (self->participants_box, tile);
      g_hash_table_insert (self->participants, g_strdup (agent->name), tile);
    }
}

/* Group chat events */

static void
message_started_cb (DaGroupChatWindow *self,
                    DaAgent           *sender,
                    DaMessage         *message,
                    DaGroupChat       *chat)
{
  g_autoptr(GError) error = NULL;

  g_list_store_append (self->messages, message);

  if (self->store != NULL && self->conversation_id >= 0 &&
      !da_store_add_message (self->store, self->conversation_id, message, &error))
    g_warning ("Could not record a message in the history: %s", error->message);
}

static void
usage_cb (DaGroupChatWindow *self,
          DaAgent           *agent,
          DaMessage         *message,
          DaGroupChat       *chat)
{
  g_autoptr(GError) error = NULL;
  DaProvider *provider = NULL;
  const char *model = NULL;

  if (self->store == NULL || self->conversation_id < 0)
    return;

  if (DA_IS_CONVERSABLE_AGENT (agent))
    {
      provider = da_conversable_agent_get_provider (DA_CONVERSABLE_AGENT (agent));
      model = da_conversable_agent_get_model (DA_CONVERSABLE_AGENT (agent));
      if (model == NULL && provider != NULL)
        model = da_provider_get_default_model (provider);
    }

  if (!da_store_add_usage (self->store, self->conversation_id, da_message_get_id (message),
                           da_agent_get_name (agent),
                           provider ? da_provider_get_kind (provider) : NULL, model,
                           da_message_get_prompt_tokens (message),
                           da_message_get_completion_tokens (message), &error))
    g_warning ("Could not record token usage: %s", error->message);
}

static void
speaker_selected_cb (DaGroupChatWindow *self,
                     DaAgent           *speaker,
                     const char        *reason,
                     DaGroupChat       *chat)
{
  highlight_speaker (self, da_agent_get_name (speaker));
}

static void
round_cb (DaGroupChatWindow *self,
          guint              round,
          DaGroupChat       *chat)
{
  set_round (self, round);
}

/* The person's part */

static void
clear_human_request (DaGroupChatWindow *self)
{
  if (self->human_request != NULL && !da_human_input_request_get_completed (self->human_request))
    da_human_input_request_cancel (self->human_request);
  g_clear_object (&self->human_request);
  g_clear_pointer (&self->human_agent, g_free);
  da_chat_view_set_human_prompt (self->chat_view, NULL);
}

static void
human_input_cb (DaConversableAgent  *agent,
                const char          *prompt,
                GCancellable        *cancellable,
                DaHumanInputRequest *request,
                gpointer             user_data)
{
  DaGroupChatWindow *self = user_data;
  g_autofree char *text = NULL;
  const char *name = da_agent_get_name (DA_AGENT (agent));

  clear_human_request (self);
  self->human_request = g_object_ref (request);
  self->human_agent = g_strdup (name);
  highlight_speaker (self, name);

  text = g_strdup_printf (_("The team asks you, as %s: %s"), name,
                          prompt && *prompt ? prompt : _("your answer?"));
  da_chat_view_set_human_prompt (self->chat_view, text);
  update_state (self);
}

static void
close_selection_dialog (DaGroupChatWindow *self)
{
  g_autoptr(AdwMessageDialog) dialog = g_steal_pointer (&self->selection_dialog);

  if (self->selection_request != NULL && !da_human_input_request_get_completed (self->selection_request))
    da_human_input_request_cancel (self->selection_request);
  g_clear_object (&self->selection_request);
  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
selection_response_cb (DaGroupChatWindow *self,
                       const char        *response,
                       AdwMessageDialog  *dialog)
{
  g_autoptr(DaHumanInputRequest) request = g_steal_pointer (&self->selection_request);

  if (dialog != self->selection_dialog)
    return;
  g_clear_object (&self->selection_dialog);

  /* "auto": the team picks in round-robin order. */
  if (request != NULL && !da_human_input_request_get_completed (request))
    da_human_input_request_reply (request, g_str_equal (response, "auto") ? "" : response);
  update_state (self);
}

static void
speaker_selection_cb (DaGroupChat         *chat,
                      const char          *prompt,
                      GPtrArray           *candidates,
                      GCancellable        *cancellable,
                      DaHumanInputRequest *request,
                      gpointer             user_data)
{
  DaGroupChatWindow *self = user_data;
  GtkWidget *dialog;

  close_selection_dialog (self);
  highlight_speaker (self, NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Who Speaks Next?"),
                                   _("Choose the participant who answers next."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "auto", _("_Let the Team Choose"));
  for (guint i = 0; i < candidates->len; i++)
    {
      const char *name = da_agent_get_name (g_ptr_array_index (candidates, i));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), name, name);
      if (i == 0)
        adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), name,
                                                    ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "auto");
  g_signal_connect_object (dialog, "response", G_CALLBACK (selection_response_cb),
                           self, G_CONNECT_SWAPPED);

  self->selection_request = g_object_ref (request);
  self->selection_dialog = g_object_ref_sink (ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  update_state (self);
}

/* Running */

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DaGroupChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkMessageType type = GTK_MESSAGE_INFO;

  gboolean ok = da_group_chat_run_finish (DA_GROUP_CHAT (object), result, &error);

  if (self->disposed)
    return;

  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      type = GTK_MESSAGE_ERROR;
      text = g_strdup_printf (_("Failed: %s"), error->message);
    }
  else
    text = da_group_chat_describe_stop_reason (da_group_chat_get_stop_reason (DA_GROUP_CHAT (object)),
                                               max_round (self));

  self->running = FALSE;
  g_clear_object (&self->cancellable);
  clear_human_request (self);
  close_selection_dialog (self);
  highlight_speaker (self, NULL);
  show_banner (self, type, text);
  if (self->store != NULL)
    da_store_flush (self->store);
  update_state (self);
}

static void
run_chat (DaGroupChatWindow *self,
          const char        *task)
{
  g_autoptr(GError) error = NULL;

  if (task != NULL && self->store != NULL && self->conversation_id < 0)
    {
      g_autofree char *flat = g_strdelimit (g_strstrip (g_strdup (task)), "\r\n\t", ' ');
      g_autofree char *title = g_utf8_substring (flat, 0, MIN (80, g_utf8_strlen (flat, -1)));

      self->conversation_id = da_store_create_conversation (self->store, title,
                                                            self->config->name, &error);
      if (self->conversation_id < 0)
        g_warning ("Could not record the conversation: %s", error->message);
    }

  self->running = TRUE;
  show_banner (self, GTK_MESSAGE_INFO, NULL);
  set_round (self, 0);
  da_group_chat_run_async (self->chat, task, self->cancellable, run_done_cb, g_object_ref (self));
}

static void
setup_chat (DaGroupChatWindow *self)
{
  DaProvider *selector = NULL;

  for (guint i = 0; i < self->agents->len; i++)
    {
      DaAgent *agent = g_ptr_array_index (self->agents, i);

      if (!DA_IS_CONVERSABLE_AGENT (agent))
        continue;
      da_conversable_agent_set_human_input_handler (DA_CONVERSABLE_AGENT (agent),
                                                    human_input_cb, self, NULL);
      if (selector == NULL && da_conversable_agent_get_provider (DA_CONVERSABLE_AGENT (agent)) != NULL)
        {
          selector = da_conversable_agent_get_provider (DA_CONVERSABLE_AGENT (agent));
          /* A selector team without a "selector" provider picks speakers
           * with the first participant's provider and model. */
          if (da_group_chat_get_selector_provider (self->chat) == NULL)
            {
              da_group_chat_set_selector_provider (self->chat, selector);
              da_group_chat_set_selector_model (self->chat,
                                                da_conversable_agent_get_model (DA_CONVERSABLE_AGENT (agent)));
            }
        }
    }

  da_group_chat_set_speaker_selection_handler (self->chat, speaker_selection_cb, self, NULL);
  g_signal_connect_object (self->chat, "message-started", G_CALLBACK (message_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat, "usage", G_CALLBACK (usage_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat, "speaker-selected", G_CALLBACK (speaker_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat, "round", G_CALLBACK (round_cb), self, G_CONNECT_SWAPPED);
}

static void
agents_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DaGroupChatWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(DaProvider) selector = NULL;
  g_autofree char *task = g_steal_pointer (&self->pending_task);

  agents = da_team_agents_create_finish (result, &selector, &error);
  if (self->disposed)
    return;

  self->creating = FALSE;
  /* The team file's tools and permissions, asked for through the
   * permission dialog and shown as cards, as in a single chat. */
  if (agents != NULL && !da_app_security_equip_team (da_app_security_get_default (), self->config,
                                                     agents, &error))
    g_clear_pointer (&agents, g_ptr_array_unref);
  if (agents != NULL)
    self->chat = da_group_chat_new_from_config (self->config, agents, &error);
  if (self->chat != NULL && selector != NULL)
    {
      da_group_chat_set_selector_provider (self->chat, selector);
      da_group_chat_set_selector_model (self->chat, self->config->selector_provider->model);
    }

  if (self->chat == NULL)
    {
      g_autofree char *text = NULL;

      g_clear_object (&self->cancellable);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          text = g_strdup_printf (_("The team cannot start: %s"), error->message);
          show_banner (self, GTK_MESSAGE_ERROR, text);
        }
      update_state (self);
      return;
    }

  self->agents = g_steal_pointer (&agents);
  setup_chat (self);
  run_chat (self, task);
}

static void
start_run (DaGroupChatWindow *self,
           const char        *task)
{
  if (self->creating || self->running)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->chat == NULL)
    {
      if (task == NULL)
        return;
      self->creating = TRUE;
      g_free (self->pending_task);
      self->pending_task = g_strdup (task);
      show_banner (self, GTK_MESSAGE_INFO, NULL);
      update_state (self);
      da_team_agents_create_async (self->config, self->cancellable, agents_created_cb, g_object_ref (self));
      return;
    }

  run_chat (self, task);
}

static void
send_cb (DaGroupChatWindow *self,
         const char        *text,
         DaChatView        *view)
{
  if (self->human_request != NULL)
    {
      g_autoptr(DaHumanInputRequest) request = g_steal_pointer (&self->human_request);

      g_clear_pointer (&self->human_agent, g_free);
      da_chat_view_set_human_prompt (self->chat_view, NULL);
      da_human_input_request_reply (request, text);
      update_state (self);
      return;
    }

  start_run (self, text);
}

static void
chat_view_stop_cb (DaGroupChatWindow *self,
                   DaChatView        *view)
{
  da_group_chat_window_stop (self);
}

static void
run_team_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DaGroupChatWindow *self = DA_GROUP_CHAT_WINDOW (widget);
  g_autofree char *draft = da_chat_view_get_draft (self->chat_view);

  if (g_strstrip (draft)[0] != '\0')
    {
      da_chat_view_set_draft (self->chat_view, "");
      da_group_chat_window_run (self, draft);
    }
  else if (self->chat != NULL)
    da_group_chat_window_resume (self);
  else
    gtk_widget_grab_focus (da_chat_view_get_composer (self->chat_view));
}

static void
stop_team_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  da_group_chat_window_stop (DA_GROUP_CHAT_WINDOW (widget));
}

static void
resume_team_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  da_group_chat_window_resume (DA_GROUP_CHAT_WINDOW (widget));
}

static void
da_group_chat_window_dispose (GObject *object)
{
  DaGroupChatWindow *self = DA_GROUP_CHAT_WINDOW (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  close_selection_dialog (self);
  if (self->human_request != NULL && !da_human_input_request_get_completed (self->human_request))
    da_human_input_request_cancel (self->human_request);
  g_clear_object (&self->human_request);

  if (self->chat != NULL)
    da_group_chat_set_speaker_selection_handler (self->chat, NULL, NULL, NULL);
  for (guint i = 0; self->agents != NULL && i < self->agents->len; i++)
    if (DA_IS_CONVERSABLE_AGENT (g_ptr_array_index (self->agents, i)))
      da_conversable_agent_set_human_input_handler (g_ptr_array_index (self->agents, i), NULL, NULL, NULL);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->chat);
  g_clear_pointer (&self->agents, g_ptr_array_unref);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_GROUP_CHAT_WINDOW);

  G_OBJECT_CLASS (da_group_chat_window_parent_class)->dispose (object);
}

static void
da_group_chat_window_finalize (GObject *object)
{
  DaGroupChatWindow *self = DA_GROUP_CHAT_WINDOW (object);

  g_clear_pointer (&self->config, da_team_config_unref);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->participants, g_hash_table_unref);
  g_free (self->pending_task);
  g_free (self->human_agent);
  g_free (self->round_text);
  g_free (self->banner_text);
  g_free (self->speaker_text);

  G_OBJECT_CLASS (da_group_chat_window_parent_class)->finalize (object);
}

static void
da_group_chat_window_class_init (DaGroupChatWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_group_chat_window_dispose;
  object_class->finalize = da_group_chat_window_finalize;

  g_type_ensure (DA_TYPE_CHAT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-group-chat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, participants_box);
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, speaker_label);
  gtk_widget_class_bind_template_child (widget_class, DaGroupChatWindow, chat_view);
  gtk_widget_class_bind_template_callback (widget_class, send_cb);
  gtk_widget_class_bind_template_callback (widget_class, chat_view_stop_cb);

  gtk_widget_class_install_action (widget_class, "win.run-team", NULL, run_team_action);
  gtk_widget_class_install_action (widget_class, "win.stop-team", NULL, stop_team_action);
  gtk_widget_class_install_action (widget_class, "win.resume-team", NULL, resume_team_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.run-team", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.stop-team", NULL);
}

static void
da_group_chat_window_init (DaGroupChatWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->conversation_id = -1;
  self->messages = g_list_store_new (DA_TYPE_MESSAGE);
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  da_chat_view_set_model (self->chat_view, G_LIST_MODEL (self->messages));
}

/**
 * da_group_chat_window_new:
 * @application: the application
 * @config: the team to run
 * @store: (nullable): where the conversation is recorded
 */
DaGroupChatWindow *
da_group_chat_window_new (GtkApplication *application,
                          DaTeamConfig   *config,
                          DaStore        *store)
{
  DaGroupChatWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (store == NULL || DA_IS_STORE (store), NULL);

  self = g_object_new (DA_TYPE_GROUP_CHAT_WINDOW, "application", application, NULL);
  self->config = da_team_config_ref (config);
  g_set_object (&self->store, store);

  gtk_window_set_title (GTK_WINDOW (self), config->name);
  adw_window_title_set_title (self->window_title, config->name);
  build_participants (self);
  da_chat_view_set_human_prompt (self->chat_view, _("Write the task for the team."));
  update_state (self);

  return self;
}

DaTeamConfig *
da_group_chat_window_get_config (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->config;
}

/**
 * da_group_chat_window_get_chat:
 *
 * Returns: (nullable) (transfer none): the team, once its agents exist
 */
DaGroupChat *
da_group_chat_window_get_chat (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->chat;
}

gint64
da_group_chat_window_get_conversation_id (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), -1);
  return self->conversation_id;
}

gboolean
da_group_chat_window_get_running (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), FALSE);
  return self->creating || self->running;
}

const char *
da_group_chat_window_get_round_text (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->round_text;
}

/**
 * da_group_chat_window_get_banner_text:
 *
 * Returns: (nullable): the stop reason shown, %NULL when none is
 */
const char *
da_group_chat_window_get_banner_text (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->banner_text;
}

const char *
da_group_chat_window_get_speaker_text (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->speaker_text;
}

/**
 * da_group_chat_window_get_human_agent:
 *
 * Returns: (nullable): the name of the user proxy waiting for the person
 */
const char *
da_group_chat_window_get_human_agent (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->human_agent;
}

/**
 * da_group_chat_window_get_selection_dialog:
 *
 * Returns: (nullable) (transfer none): the open "who speaks next" dialog
 */
AdwMessageDialog *
da_group_chat_window_get_selection_dialog (DaGroupChatWindow *self)
{
  g_return_val_if_fail (DA_IS_GROUP_CHAT_WINDOW (self), NULL);
  return self->selection_dialog;
}

void
da_group_chat_window_run (DaGroupChatWindow *self,
                          const char        *task)
{
  g_return_if_fail (DA_IS_GROUP_CHAT_WINDOW (self));
  g_return_if_fail (task != NULL);

  start_run (self, task);
}

void
da_group_chat_window_resume (DaGroupChatWindow *self)
{
  g_return_if_fail (DA_IS_GROUP_CHAT_WINDOW (self));

  if (self->chat == NULL || da_group_chat_get_messages (self->chat)->len == 0)
    return;
  start_run (self, NULL);
}

void
da_group_chat_window_stop (DaGroupChatWindow *self)
{
  g_return_if_fail (DA_IS_GROUP_CHAT_WINDOW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}
