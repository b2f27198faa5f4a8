/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>

#include "da-team-actions.h"
#include "da-team-draft.h"
#include "da-team-gallery.h"

/* "New Team": an empty team, the example teams shipped with the
 * application (PKGDATADIR/teams, or DA_TEAMS_DIR in the source tree's
 * devenv and tests) and the person's saved teams
 * ($XDG_DATA_HOME/denoagents/teams). Each opens in the editor or runs at
 * once. The files are read and checked in a worker thread. */

struct _DaTeamGallery
{
  AdwApplicationWindow  parent_instance;

  GPtrArray            *teams;    /* Entry */
  gboolean              loaded;
  GCancellable         *cancellable;
  AdwPreferencesGroup  *examples_group;
  AdwPreferencesGroup  *saved_group;
};

G_DEFINE_FINAL_TYPE (DaTeamGallery, da_team_gallery, ADW_TYPE_APPLICATION_WINDOW)

typedef struct
{
  char     *path;
  char     *contents;
  char     *name;
  char     *description;
  gboolean  saved;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_free (entry->contents);
  g_free (entry->name);
  g_free (entry->description);
  g_free (entry);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
scan_dir (GPtrArray  *out,
          const char *path,
          gboolean    saved)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_paths);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(DaTeamConfig) config = NULL;
      gsize len;
      Entry *entry;

      if (!g_file_get_contents (file, &contents, &len, &error) ||
          (config = da_team_config_new_from_data (contents, (gssize)len, &error)) == NULL)
        {
          g_warning ("Skipping the team file %s: %s", file, error->message);
          continue;
        }

      entry = g_new0 (Entry, 1);
      entry->path = g_steal_pointer (&file);
      entry->contents = g_steal_pointer (&contents);
      entry->name = g_strdup (config->name);
      entry->description = g_strdup (config->description);
      entry->saved = saved;
      g_ptr_array_add (out, entry);
    }
}

static void
scan_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GPtrArray *teams = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  g_auto(GStrv) dirs = da_team_actions_gallery_dirs ();
  g_autofree char *user = da_team_draft_user_dir ();

  for (guint i = 0; dirs[i] != NULL; i++)
    scan_dir (teams, dirs[i], FALSE);
  scan_dir (teams, user, TRUE);
  g_task_return_pointer (task, teams, (GDestroyNotify)g_ptr_array_unref);
}

static Entry *
entry_for (DaTeamGallery *self,
           GtkWidget     *button)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  return i < self->teams->len ? g_ptr_array_index (self->teams, i) : NULL;
}

static void
edit_clicked_cb (DaTeamGallery *self,
                 GtkButton     *button)
{
  Entry *entry = entry_for (self, GTK_WIDGET (button));
  g_autoptr(GError) error = NULL;
  DaTeamDraft *draft;

  if (entry == NULL)
    return;
  draft = da_team_draft_new_from_json (entry->contents, -1, &error);
  if (draft != NULL)
    da_team_actions_open_editor (gtk_window_get_application (GTK_WINDOW (self)), draft);
}

static void
run_clicked_cb (DaTeamGallery *self,
                GtkButton     *button)
{
  Entry *entry = entry_for (self, GTK_WIDGET (button));
  g_autoptr(DaTeamConfig) config = NULL;

  if (entry == NULL)
    return;
  config = da_team_config_new_from_data (entry->contents, -1, NULL);
  if (config != NULL)
    da_team_actions_run_team (gtk_window_get_application (GTK_WINDOW (self)), config);
}

static GtkWidget *
row_button (DaTeamGallery *self,
            guint          index,
            const char    *icon,
            const char    *label,
            GCallback      callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (index));
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_SWAPPED);
  return button;
}

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DaTeamGallery *self;
  g_autoptr(GPtrArray) teams = g_task_propagate_pointer (G_TASK (result), NULL);
  guint n_examples = 0, n_saved = 0;

  if (teams == NULL)
    return;   /* cancelled: the window is gone */
  self = DA_TEAM_GALLERY (user_data);

  g_clear_pointer (&self->teams, g_ptr_array_unref);
  self->teams = g_steal_pointer (&teams);
  for (guint i = 0; i < self->teams->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->teams, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *edit = g_strdup_printf (_("Edit %s"), entry->name);
      g_autofree char *run = g_strdup_printf (_("Run %s"), entry->name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (entry->description != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), entry->description);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (self, i, "document-edit-symbolic", edit, G_CALLBACK (edit_clicked_cb)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (self, i, "media-playback-start-symbolic", run, G_CALLBACK (run_clicked_cb)));
      adw_preferences_group_add (entry->saved ? self->saved_group : self->examples_group, row);
      if (entry->saved)
        n_saved++;
      else
        n_examples++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->examples_group), n_examples > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->saved_group), n_saved > 0);
  self->loaded = TRUE;
}

static void
empty_activated_cb (DaTeamGallery *self,
                    AdwActionRow  *row)
{
  da_team_actions_open_editor (gtk_window_get_application (GTK_WINDOW (self)), NULL);
}

static void
da_team_gallery_dispose (GObject *object)
{
  DaTeamGallery *self = DA_TEAM_GALLERY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (da_team_gallery_parent_class)->dispose (object);
}

static void
da_team_gallery_finalize (GObject *object)
{
  DaTeamGallery *self = DA_TEAM_GALLERY (object);

  g_clear_pointer (&self->teams, g_ptr_array_unref);

  G_OBJECT_CLASS (da_team_gallery_parent_class)->finalize (object);
}

static void
da_team_gallery_class_init (DaTeamGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = da_team_gallery_dispose;
  object_class->finalize = da_team_gallery_finalize;
}

static void
da_team_gallery_init (DaTeamGallery *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *start = adw_preferences_group_new ();
  GtkWidget *empty = adw_action_row_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("New Team"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (empty), _("Empty Team"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (empty), _("Start from nothing in the editor"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (empty), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (empty), TRUE);
  g_signal_connect_object (empty, "activated", G_CALLBACK (empty_activated_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (start), empty);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (start));

  self->examples_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->examples_group, _("Examples"));
  gtk_widget_set_visible (GTK_WIDGET (self->examples_group), FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->examples_group);

  self->saved_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->saved_group, _("Your Teams"));
  gtk_widget_set_visible (GTK_WIDGET (self->saved_group), FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->saved_group);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), box);

  self->teams = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  self->cancellable = g_cancellable_new ();
  {
    g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, scanned_cb, self);

    g_task_set_source_tag (task, da_team_gallery_init);
    g_task_set_return_on_cancel (task, TRUE);
    g_task_run_in_thread (task, scan_thread);
  }
}

DaTeamGallery *
da_team_gallery_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (DA_TYPE_TEAM_GALLERY, "application", application, NULL);
}

guint
da_team_gallery_get_n_teams (DaTeamGallery *self)
{
  g_return_val_if_fail (DA_IS_TEAM_GALLERY (self), 0);
  return self->teams->len;
}

const char *
da_team_gallery_get_path (DaTeamGallery *self,
                          guint          i)
{
  g_return_val_if_fail (DA_IS_TEAM_GALLERY (self), NULL);
  g_return_val_if_fail (i < self->teams->len, NULL);
  return ((Entry *)g_ptr_array_index (self->teams, i))->path;
}

gboolean
da_team_gallery_get_loaded (DaTeamGallery *self)
{
  g_return_val_if_fail (DA_IS_TEAM_GALLERY (self), FALSE);
  return self->loaded;
}
