/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The permission dialog as the broker's prompter, under Xvfb: what it
 * shows (escaped), Deny / Allow Once / Always Allow (with its second
 * step) and where each answer lands (the decision, the store's grants and
 * audit log). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "da-app-security.h"
#include "da-audit-window.h"
#include "da-permission-dialog.h"
#include "da-store.h"
#include "da-test-util.h"

typedef struct
{
  char               *dir;
  DaStore            *store;
  DaAppSecurity      *security;
  GtkWindow          *window;
  DaPermissionDialog *dialog;
  gboolean            done;
  DaPermissionDecision decision;
  char               *reason;
  gboolean            cancelled;
} Fixture;

static void
prompt_shown_cb (DaAppSecurity *security,
                 GtkWidget     *dialog,
                 Fixture       *f)
{
  f->dialog = DA_PERMISSION_DIALOG (dialog);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(DaPermissions) permissions = NULL;

  f->dir = g_dir_make_tmp ("da-permission-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "history.sqlite3", NULL);
  f->store = da_store_new (db, &error);
  g_assert_no_error (error);
  f->security = da_app_security_new (f->store, f->dir);
  permissions = da_permissions_new (f->dir);
  da_permission_broker_set_permissions (da_app_security_get_broker (f->security), "planner", permissions);
  g_signal_connect (f->security, "prompt-shown", G_CALLBACK (prompt_shown_cb), f);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 600);
  gtk_window_present (f->window);
  da_test_wait_drawn (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "history.sqlite3", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&f->security);
  g_clear_object (&f->store);
  gtk_window_destroy (f->window);
  g_free (f->reason);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
decided_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&f->reason, g_free);
  f->decision = da_permission_broker_request_finish (DA_PERMISSION_BROKER (object), result,
                                                     &f->reason, NULL, &error);
  f->cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (!f->cancelled)
    g_assert_no_error (error);
  f->done = TRUE;
}

static gboolean
has_dialog (gpointer data)
{
  return ((Fixture *) data)->dialog != NULL;
}

static gboolean
is_done (gpointer data)
{
  return ((Fixture *) data)->done;
}

static void
ask (Fixture          *f,
     DaPermissionKind  kind,
     const char       *target,
     const char       *detail)
{
  f->dialog = NULL;
  f->done = FALSE;
  da_permission_broker_request_async (da_app_security_get_broker (f->security), "planner",
                                      "read_file", kind, target, detail, NULL, decided_cb, f);
  g_assert_true (da_test_wait_for (has_dialog, f, 10000));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->dialog)));
  da_test_wait_drawn (GTK_WIDGET (f->dialog));
}

static void
respond (Fixture    *f,
         const char *response)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (f->dialog), response);
  g_assert_true (da_test_wait_for (is_done, f, 10000));
}

static gboolean
audit_has (Fixture    *f,
           const char *target,
           const char *decision)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = da_store_list_audit (f->store, 100, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      DaAuditEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->target, target) == 0 && g_strcmp0 (entry->decision, decision) == 0 &&
          g_strcmp0 (entry->agent, "planner") == 0 && g_strcmp0 (entry->tool, "read_file") == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
count_grants (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = da_permission_broker_list_grants (da_app_security_get_broker (f->security),
                                                                  "planner", &error);

  g_assert_no_error (error);
  return grants->len;
}

/* An ANSI colour escape and a right-to-left override in the path: the
 * dialog shows both as visible escapes, never the raw characters. */
static void
test_escaped (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "report\033[31m\xe2\x80\xaetxt.exe", NULL);
  g_autofree char *screenshot = NULL;
  const char *shown;

  ask (f, DA_PERMISSION_READ, target, NULL);

  shown = gtk_label_get_text (da_permission_dialog_get_target_label (f->dialog));
  g_assert_null (strchr (shown, '\033'));
  g_assert_null (strstr (shown, "\xe2\x80\xae"));
  g_assert_nonnull (strstr (shown, "report\\x1b[31m\\u202etxt.exe"));
  g_assert_true (g_str_has_prefix (shown, f->dir));
  g_assert_false (gtk_label_get_use_markup (da_permission_dialog_get_target_label (f->dialog)));
  g_assert_true (gtk_label_get_selectable (da_permission_dialog_get_target_label (f->dialog)));
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (f->dialog)), ==, "deny");
  g_assert_cmpstr (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (f->dialog)), ==, "deny");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (f->dialog), "always"));

  screenshot = da_test_screenshot (GTK_WIDGET (f->dialog), "permission-dialog-escaped");
  respond (f, "deny");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_DENY);
  g_assert_true (audit_has (f, target, "deny"));
  g_assert_cmpuint (count_grants (f), ==, 0);
}

/* The run request shows the full command line. */
static void
test_command (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *screenshot = NULL;
  GtkLabel *detail;

  ask (f, DA_PERMISSION_RUN, "/bin/sh", "sh -c 'rm -rf ~/\033]0;title\007'");
  detail = da_permission_dialog_get_detail_label (f->dialog);
  g_assert_nonnull (detail);
  g_assert_cmpstr (gtk_label_get_text (detail), ==, "sh -c 'rm -rf ~/\\x1b]0;title\\x07'");
  screenshot = da_test_screenshot (GTK_WIDGET (f->dialog), "permission-dialog-command");
  /* Escape closes the dialog: that is a denial. */
  gtk_window_close (GTK_WINDOW (f->dialog));
  g_assert_true (da_test_wait_for (is_done, f, 10000));
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_DENY);
}

static void
test_once (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "notes.txt", NULL);

  ask (f, DA_PERMISSION_READ, target, NULL);
  respond (f, "once");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_true (audit_has (f, target, "allow-once"));
  g_assert_cmpuint (count_grants (f), ==, 0);

  /* Once means once: the next request asks again. */
  ask (f, DA_PERMISSION_READ, target, NULL);
  respond (f, "deny");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_DENY);
}

static void
test_always (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *screenshot = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  GtkCheckButton *confirm;
  DaGrant *grant;

  /* Without the second step "always" is not available, and forcing the
   * response anyway does not grant anything. */
  ask (f, DA_PERMISSION_READ, target, NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (f->dialog), "always"));
  respond (f, "always");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_DENY);
  g_assert_cmpuint (count_grants (f), ==, 0);

  ask (f, DA_PERMISSION_READ, target, NULL);
  confirm = da_permission_dialog_get_confirm_button (f->dialog);
  gtk_check_button_set_active (confirm, TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (f->dialog), "always"));
  screenshot = da_test_screenshot (GTK_WIDGET (f->dialog), "permission-dialog-always");
  respond (f, "always");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_ALLOW);

  grants = da_store_list_grants (f->store, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 1);
  grant = g_ptr_array_index (grants, 0);
  g_assert_cmpstr (grant->kind, ==, "read");
  g_assert_cmpstr (grant->target, ==, target);

  /* The grant answers the next request without a dialog. */
  f->dialog = NULL;
  f->done = FALSE;
  da_permission_broker_request_async (da_app_security_get_broker (f->security), "planner",
                                      "read_file", DA_PERMISSION_READ, target, NULL, NULL,
                                      decided_cb, f);
  g_assert_true (da_test_wait_for (is_done, f, 10000));
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_null (f->dialog);
}

static gboolean
points_to_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* A caller that gives up closes its dialog. */
static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *target = g_build_filename (f->dir, "notes.txt", NULL);
  GtkWidget *dialog;

  f->dialog = NULL;
  f->done = FALSE;
  da_permission_broker_request_async (da_app_security_get_broker (f->security), "planner",
                                      "read_file", DA_PERMISSION_READ, target, NULL, cancellable,
                                      decided_cb, f);
  g_assert_true (da_test_wait_for (has_dialog, f, 10000));
  dialog = GTK_WIDGET (f->dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_cancellable_cancel (cancellable);
  g_assert_true (da_test_wait_for (is_done, f, 10000));
  g_assert_true (f->cancelled);
  g_assert_true (da_test_wait_for (points_to_null, &dialog, 10000));
}

static gboolean
audit_loaded (gpointer data)
{
  return da_audit_window_get_loaded (DA_AUDIT_WINDOW (data));
}

static gboolean
widget_has_text (GtkWidget  *root,
                 const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return TRUE;
      if (widget_has_text (child, text))
        return TRUE;
    }
  return FALSE;
}

/* The audit view lists the decisions, newest first, targets escaped;
 * it follows decisions made while it is open. */
static void
test_audit_view (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *first = g_build_filename (f->dir, "first.txt", NULL);
  g_autofree char *second_raw = g_build_filename (f->dir, "second\033.txt", NULL);
  g_autofree char *second = g_build_filename (f->dir, "second\\x1b.txt", NULL);
  g_autofree char *third = g_build_filename (f->dir, "third.txt", NULL);
  g_autofree char *screenshot = NULL;
  GtkWidget *window;
  GtkListBox *list;
  GtkWidget *row;

  ask (f, DA_PERMISSION_READ, first, NULL);
  respond (f, "deny");
  ask (f, DA_PERMISSION_READ, second_raw, NULL);
  respond (f, "once");

  window = da_audit_window_new (f->window, f->security);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (da_test_wait_for (audit_loaded, window, 10000));
  list = da_audit_window_get_list (DA_AUDIT_WINDOW (window));

  /* Newest first: the second request's rows come before the first's. */
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  g_assert_nonnull (row);
  g_assert_true (widget_has_text (row, second));
  g_assert_true (widget_has_text (row, "Allowed once"));
  g_assert_true (widget_has_text (GTK_WIDGET (list), first));
  g_assert_true (widget_has_text (GTK_WIDGET (list), "Denied"));
  g_assert_true (widget_has_text (GTK_WIDGET (list), "Asked"));

  /* A decision made while the window is open shows up. */
  ask (f, DA_PERMISSION_READ, third, NULL);
  respond (f, "deny");
  g_assert_true (da_test_wait_for (audit_loaded, window, 10000));
  da_test_wait_ms (50);
  g_assert_true (da_test_wait_for (audit_loaded, window, 10000));
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (widget_has_text (row, third));

  screenshot = da_test_screenshot (window, "audit-window");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* "Always" for a shell command is for that exact command, and says so. */
static void
test_always_command (Fixture       *f,
                     gconstpointer  data)
{
  DaPermissionBroker *broker = da_app_security_get_broker (f->security);
  g_autofree char *screenshot = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;
  GtkCheckButton *confirm;

  f->dialog = NULL;
  f->done = FALSE;
  da_permission_broker_request_async (broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "ls -la", NULL, decided_cb, f);
  g_assert_nonnull (f->dialog);
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (f->dialog), "always"),
                   ==, "_Always Allow This Command");
  confirm = da_permission_dialog_get_confirm_button (f->dialog);
  g_assert_nonnull (strstr (gtk_check_button_get_label (confirm), "run this exact command"));
  gtk_check_button_set_active (confirm, TRUE);
  screenshot = da_test_screenshot (GTK_WIDGET (f->dialog), "permission-dialog-always-command");
  respond (f, "always");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_ALLOW);

  grants = da_store_list_grants (f->store, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpstr (((DaGrant *) g_ptr_array_index (grants, 0))->target, ==, "sh");
  g_assert_cmpstr (((DaGrant *) g_ptr_array_index (grants, 0))->detail, ==, "ls -la");

  /* Another command for the same shell brings the dialog back. */
  f->dialog = NULL;
  f->done = FALSE;
  da_permission_broker_request_async (broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "rm -rf ~", NULL, decided_cb, f);
  g_assert_nonnull (f->dialog);
  g_assert_cmpstr (gtk_label_get_text (da_permission_dialog_get_detail_label (f->dialog)), ==,
                   "rm -rf ~");
  respond (f, "deny");
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_DENY);

  /* The granted one passes without a dialog. */
  f->dialog = NULL;
  f->done = FALSE;
  da_permission_broker_request_async (broker, "planner", "run_shell_command", DA_PERMISSION_RUN,
                                      "sh", "ls -la", NULL, decided_cb, f);
  g_assert_true (da_test_wait_for (is_done, f, 10000));
  g_assert_cmpint (f->decision, ==, DA_PERMISSION_DECISION_ALLOW);
  g_assert_null (f->dialog);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/app/permission-dialog/escaped", test_escaped);
  ADD ("/app/permission-dialog/command", test_command);
  ADD ("/app/permission-dialog/once", test_once);
  ADD ("/app/permission-dialog/always", test_always);
  ADD ("/app/permission-dialog/always-command", test_always_command);
  ADD ("/app/permission-dialog/cancelled", test_cancelled);
  ADD ("/app/audit-window/lists-decisions", test_audit_view);
#undef ADD

  return g_test_run ();
}
