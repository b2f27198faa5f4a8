/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "da-agent-library.h"
#include "da-application.h"
#include "da-test-util.h"
#include "da-window.h"

static void
type_into (DaAgentLibrary *library,
           const char     *field,
           const char     *text)
{
  gtk_editable_set_text (GTK_EDITABLE (da_agent_library_get_field (library, field)), text);
}

static gboolean
has_problem (DaAgentLibrary *library,
             const char     *text)
{
  const char *problems = da_agent_library_get_problems (library);

  return problems != NULL && strstr (problems, text) != NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static void
test_editor (DaApplication *app,
             GtkWindow     *window)
{
  DaAgentLibrary *library;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(DaAgentSpec) writer = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  DaChatSession *session;
  gint64 writer_id = -1, copy_id = -1;

  g_assert_cmpint (da_application_add_provider (app, "openai", "http://127.0.0.1:9/v1", "echo"), >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.agents", NULL));
  library = NULL;
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && library == NULL; i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (DA_IS_AGENT_LIBRARY (w))
          library = DA_AGENT_LIBRARY (w);
      }
  }
  g_assert_nonnull (library);
  g_free (da_test_screenshot (GTK_WIDGET (library), "agents-01-library"));

  /* The form says what is wrong while it is typed, and will not save. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.new", NULL));
  g_assert_true (has_problem (library, "Give the agent a name."));
  g_assert_false (has_problem (library, "provider"));
  type_into (library, "name", "Assistant");
  g_assert_true (has_problem (library, "Another agent already has this name."));
  type_into (library, "name", "Writer");
  g_assert_null (da_agent_library_get_problems (library));
  type_into (library, "temperature", "3");
  type_into (library, "max-tokens", "lots");
  g_assert_true (has_problem (library, "Temperature must be a number from 0 to 2."));
  g_assert_true (has_problem (library, "Max tokens must be a positive whole number."));
  g_assert_true (gtk_widget_has_css_class (da_agent_library_get_field (library, "temperature"), "error"));
  g_free (da_test_screenshot (GTK_WIDGET (library), "agents-02-editor-problems"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));
  g_assert_null (da_application_find_agent (app, "Writer", NULL));

  type_into (library, "temperature", "0.7");
  type_into (library, "max-tokens", "800");
  type_into (library, "description", "Writes short texts.");
  type_into (library, "model", "markdown");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (da_agent_library_get_field (library, "system"))),
                            "You write clearly.", -1);
  g_assert_null (da_agent_library_get_problems (library));
  g_free (da_test_screenshot (GTK_WIDGET (library), "agents-03-editor-valid"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));

  writer = da_application_find_agent (app, "Writer", &writer_id);
  g_assert_nonnull (writer);
  g_assert_cmpstr (writer->description, ==, "Writes short texts.");
  g_assert_cmpstr (writer->system_message, ==, "You write clearly.");
  g_assert_cmpstr (writer->provider_kind, ==, "openai");
  g_assert_cmpstr (writer->base_url, ==, "http://127.0.0.1:9/v1");
  g_assert_cmpstr (writer->model, ==, "markdown");
  g_assert_cmpfloat_with_epsilon (writer->temperature, 0.7, 1e-9);
  g_assert_cmpint (writer->max_tokens, ==, 800);

  /* Duplicate, then delete the copy. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.duplicate", "x", writer_id));
  g_clear_pointer (&writer, da_agent_spec_free);
  writer = da_application_find_agent (app, "Writer (copy)", &copy_id);
  g_assert_nonnull (writer);
  g_assert_cmpstr (writer->model, ==, "markdown");
  g_free (da_test_screenshot (GTK_WIDGET (library), "agents-04-library-after-duplicate"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.delete", "x", copy_id));
  g_clear_pointer (&writer, da_agent_spec_free);
  g_assert_null (da_application_find_agent (app, "Writer (copy)", NULL));

  /* Editing keeps the id; renaming to a taken name is refused. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.edit", "x", writer_id));
  g_assert_null (da_agent_library_get_problems (library));
  type_into (library, "name", "Assistant");
  g_assert_true (has_problem (library, "Another agent already has this name."));
  type_into (library, "name", "Author");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "agent.save", NULL));
  g_assert_nonnull ((writer = da_application_find_agent (app, "Author", &copy_id)));
  g_assert_cmpint (copy_id, ==, writer_id);
  agents = da_application_list_agents (app);
  g_assert_cmpuint (agents->len, ==, 2);
  gtk_window_destroy (GTK_WINDOW (library));

  /* Two agents: Ctrl+N asks which one, the first run's agent preselected. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-chat", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_free (da_test_screenshot (GTK_WIDGET (dialog), "agents-05-choose-agent"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog)), 1);
  adw_message_dialog_response (dialog, "start");
  session = da_window_get_session (DA_WINDOW (window));
  g_assert_nonnull (session);
  g_assert_cmpstr (da_chat_session_get_agent_name (session), ==, "Author");
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  da_test_add_app_func ("/app/agents/editor", test_editor);

  return g_test_run ();
}
