/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "da-code-block.h"

struct _DaCodeBlock
{
  GtkWidget        parent_instance;

  GtkLabel        *language_label;
  GtkButton       *copy_button;
  GtkSourceView   *view;
  GtkSourceBuffer *buffer;
  char            *language;
  guint            copied_id;
};

G_DEFINE_FINAL_TYPE (DaCodeBlock, da_code_block, GTK_TYPE_WIDGET)

/* Names people write after ``` that GtkSourceView knows by another id. */
static const struct {
  const char *alias;
  const char *id;
} aliases[] = {
  { "py", "python3" }, { "python", "python3" }, { "js", "js" },
  { "javascript", "js" }, { "ts", "typescript" }, { "sh", "sh" },
  { "bash", "sh" }, { "shell", "sh" }, { "zsh", "sh" }, { "console", "sh" },
  { "c++", "cpp" }, { "cxx", "cpp" }, { "rs", "rust" }, { "yml", "yaml" },
  { "md", "markdown" }, { "golang", "go" }, { "rb", "ruby" },
  { "html", "html" }, { "xml", "xml" }, { "jsonc", "json" },
};

static GtkSourceLanguage *
find_language (const char *name)
{
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  g_autofree char *lower = NULL;
  GtkSourceLanguage *language;

  if (name == NULL || *name == '\0')
    return NULL;

  lower = g_ascii_strdown (name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (lower, aliases[i].alias))
      return gtk_source_language_manager_get_language (manager, aliases[i].id);

  language = gtk_source_language_manager_get_language (manager, lower);
  if (language == NULL)
    {
      g_autofree char *file = g_strconcat ("x.", lower, NULL);

      language = gtk_source_language_manager_guess_language (manager, file, NULL);
    }

  return language;
}

/* GtkSourceView parses a language's definition file when a buffer first
 * uses the language and frees it with the last buffer that does. Code
 * blocks come and go as a conversation scrolls, so one idle buffer per
 * language used keeps the definition parsed for the next block. */
static void
keep_language_loaded (GtkSourceLanguage *language)
{
  static GHashTable *keepers = NULL;
  const char *id = gtk_source_language_get_id (language);

  if (keepers == NULL)
    keepers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  if (!g_hash_table_contains (keepers, id))
    g_hash_table_insert (keepers, g_strdup (id), gtk_source_buffer_new_with_language (language));
}

/* The first code block pays for GtkSourceView's start: the language
 * manager reads the header of every language file, the style scheme
 * manager its schemes. The application calls this when idle after its
 * first frame, so that the first block on screen does not. */
void
da_code_block_warm_up (void)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();

  gtk_source_init ();
  gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (), "python3");
  gtk_source_style_scheme_manager_get_scheme (schemes, "Adwaita");
  gtk_source_style_scheme_manager_get_scheme (schemes, "Adwaita-dark");
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
}

static void
update_style_scheme (DaCodeBlock *self)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark ? "Adwaita-dark" : "Adwaita");
  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static gboolean
reset_copy_icon_cb (gpointer data)
{
  DaCodeBlock *self = data;

  self->copied_id = 0;
  gtk_button_set_icon_name (self->copy_button, "edit-copy-symbolic");

  return G_SOURCE_REMOVE;
}

void
da_code_block_copy (DaCodeBlock *self)
{
  g_autofree char *code = NULL;

  g_return_if_fail (DA_IS_CODE_BLOCK (self));

  code = da_code_block_get_code (self);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), code);

  gtk_button_set_icon_name (self->copy_button, "object-select-symbolic");
  g_clear_handle_id (&self->copied_id, g_source_remove);
  self->copied_id = g_timeout_add_seconds (2, reset_copy_icon_cb, self);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  da_code_block_copy (DA_CODE_BLOCK (widget));
}

static void
da_code_block_dispose (GObject *object)
{
  DaCodeBlock *self = DA_CODE_BLOCK (object);
  GtkWidget *child;

  g_clear_handle_id (&self->copied_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_CODE_BLOCK);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (da_code_block_parent_class)->dispose (object);
}

static void
da_code_block_finalize (GObject *object)
{
  DaCodeBlock *self = DA_CODE_BLOCK (object);

  g_free (self->language);

  G_OBJECT_CLASS (da_code_block_parent_class)->finalize (object);
}

static void
da_code_block_class_init (DaCodeBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_code_block_dispose;
  object_class->finalize = da_code_block_finalize;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-code-block.ui");
  gtk_widget_class_bind_template_child (widget_class, DaCodeBlock, language_label);
  gtk_widget_class_bind_template_child (widget_class, DaCodeBlock, copy_button);
  gtk_widget_class_bind_template_child (widget_class, DaCodeBlock, view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "code.copy", NULL, copy_action);
}

static void
da_code_block_init (DaCodeBlock *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view)));
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, FALSE);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);
}

GtkWidget *
da_code_block_new (const char *language)
{
  DaCodeBlock *self = g_object_new (DA_TYPE_CODE_BLOCK, NULL);
  GtkSourceLanguage *lang = find_language (language);

  self->language = g_strdup (language);
  if (lang != NULL)
    keep_language_loaded (lang);
  gtk_source_buffer_set_language (self->buffer, lang);
  gtk_label_set_label (self->language_label,
                       lang ? gtk_source_language_get_name (lang)
                            : (language ? language : ""));

  return GTK_WIDGET (self);
}

const char *
da_code_block_get_language (DaCodeBlock *self)
{
  g_return_val_if_fail (DA_IS_CODE_BLOCK (self), NULL);

  return self->language;
}

void
da_code_block_set_code (DaCodeBlock *self,
                        const char  *code)
{
  GtkTextIter start, end;
  g_autofree char *current = NULL;
  gsize current_len;

  g_return_if_fail (DA_IS_CODE_BLOCK (self));

  if (code == NULL)
    code = "";

  /* While a reply streams the code only grows: append the new tail
   * instead of re-highlighting everything. */
  current = da_code_block_get_code (self);
  current_len = strlen (current);
  if (g_str_has_prefix (code, current))
    {
      if (code[current_len] != '\0')
        {
          gtk_text_buffer_get_end_iter (GTK_TEXT_BUFFER (self->buffer), &end);
          gtk_text_buffer_insert (GTK_TEXT_BUFFER (self->buffer), &end,
                                  code + current_len, -1);
        }
      return;
    }

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  gtk_text_buffer_delete (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  gtk_text_buffer_insert (GTK_TEXT_BUFFER (self->buffer), &start, code, -1);
}

char *
da_code_block_get_code (DaCodeBlock *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (DA_IS_CODE_BLOCK (self), NULL);

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);

  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}
