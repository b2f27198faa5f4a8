/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "da-escape.h"
#include "da-tool-card.h"

/* One tool call in the chat, folded by default: the tool's name and how
 * it ended in the header; the arguments (pretty JSON), the output, exit
 * status, isolation level, duration and what the sandbox refused inside.
 * A refused permission is drawn apart ("denied"). Everything here is the
 * model's or a program's text: shown line by line in its escaped display
 * form, never as markup. */

#define MAX_SHOWN_CHARS 8000

struct _DaToolCard
{
  GtkWidget    parent_instance;

  GtkExpander *expander;
  GtkImage    *icon;
  GtkLabel    *name_label;
  GtkLabel    *status_label;
  GtkLabel    *arguments_title;
  GtkLabel    *arguments_label;
  GtkLabel    *output_title;
  GtkLabel    *output_label;
  GtkLabel    *details_label;
  GtkLabel    *denials_label;

  char        *status;
  gboolean     denied;
};

G_DEFINE_FINAL_TYPE (DaToolCard, da_tool_card, GTK_TYPE_WIDGET)

/* Escapes each line apart, so the text keeps its line breaks. */
static char *
escape_lines (const char *text)
{
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  gsize length;
  gboolean cut;

  if (text == NULL)
    return g_string_free (out, FALSE);

  length = strlen (text);
  cut = length > MAX_SHOWN_CHARS;
  if (cut)
    {
      const char *end = text + MAX_SHOWN_CHARS;

      /* Cut on a character boundary. */
      while (end > text && (*end & 0xc0) == 0x80)
        end--;
      length = end - text;
    }

  {
    g_autofree char *head = g_strndup (text, length);

    lines = g_strsplit (head, "\n", -1);
  }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = da_escape_for_display (lines[i], -1);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, line);
    }
  if (cut)
    g_string_append (out, _("\n… (cut here)"));

  return g_string_free (out, FALSE);
}

/**
 * da_tool_card_format_arguments:
 *
 * Returns: @arguments as indented JSON when they parse, as written
 *   otherwise; escaped for display
 */
char *
da_tool_card_format_arguments (const char *arguments)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *pretty = NULL;

  if (arguments == NULL || *arguments == '\0')
    return g_strdup ("");

  if (json_parser_load_from_data (parser, arguments, -1, NULL) &&
      json_parser_get_root (parser) != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_indent (generator, 2);
      json_generator_set_root (generator, json_parser_get_root (parser));
      pretty = json_generator_to_data (generator, NULL);
    }

  return escape_lines (pretty ? pretty : arguments);
}

static void
set_status (DaToolCard *self,
            const char *status,
            const char *css_class)
{
  static const char * const classes[] = { "success", "warning", "error", "dim-label" };

  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
}

static GtkLabel *
text_label (gboolean monospace)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (monospace)
    gtk_widget_add_css_class (label, "monospace");
  return GTK_LABEL (label);
}

static GtkLabel *
title_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "caption-heading");
  return GTK_LABEL (label);
}

static void
da_tool_card_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (da_tool_card_parent_class)->dispose (object);
}

static void
da_tool_card_finalize (GObject *object)
{
  DaToolCard *self = DA_TOOL_CARD (object);

  g_free (self->status);

  G_OBJECT_CLASS (da_tool_card_parent_class)->finalize (object);
}

static void
da_tool_card_class_init (DaToolCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_tool_card_dispose;
  object_class->finalize = da_tool_card_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "toolcard");
}

static void
da_tool_card_init (DaToolCard *self)
{
  GtkWidget *header, *body;

  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_add_css_class (GTK_WIDGET (self), "tool-card");

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->icon = GTK_IMAGE (gtk_image_new_from_icon_name ("applications-utilities-symbolic"));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->icon));
  self->name_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_use_markup (self->name_label, FALSE);
  gtk_label_set_ellipsize (self->name_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "heading");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->name_label));
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "caption");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->status_label));

  body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_top (body, 6);
  self->arguments_title = title_label (_("Arguments"));
  self->arguments_label = text_label (TRUE);
  self->output_title = title_label (_("Output"));
  self->output_label = text_label (TRUE);
  self->details_label = text_label (FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->details_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->details_label), "caption");
  self->denials_label = text_label (FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->denials_label), "warning");
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->arguments_title));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->arguments_label));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->output_title));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->output_label));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->details_label));
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->denials_label));
  gtk_widget_set_visible (GTK_WIDGET (self->output_title), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->output_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->denials_label), FALSE);

  self->expander = GTK_EXPANDER (gtk_expander_new (NULL));
  gtk_expander_set_label_widget (self->expander, header);
  gtk_expander_set_child (self->expander, body);
  gtk_widget_set_parent (GTK_WIDGET (self->expander), GTK_WIDGET (self));

  set_status (self, _("Called"), "dim-label");
}

GtkWidget *
da_tool_card_new (void)
{
  return g_object_new (DA_TYPE_TOOL_CARD, NULL);
}

void
da_tool_card_set_call (DaToolCard       *self,
                       const DaToolCall *call)
{
  g_autofree char *name = NULL;
  g_autofree char *arguments = NULL;

  g_return_if_fail (DA_IS_TOOL_CARD (self));
  g_return_if_fail (call != NULL);

  name = da_escape_for_display (call->name ? call->name : "", -1);
  arguments = da_tool_card_format_arguments (call->arguments);
  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->arguments_label, arguments);
  gtk_widget_set_visible (GTK_WIDGET (self->arguments_title), *arguments != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->arguments_label), *arguments != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
da_tool_card_set_output (DaToolCard *self,
                         const char *content)
{
  g_autofree char *output = NULL;

  g_return_if_fail (DA_IS_TOOL_CARD (self));

  output = escape_lines (content);
  gtk_label_set_text (self->output_label, output);
  gtk_widget_set_visible (GTK_WIDGET (self->output_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->output_label), TRUE);
  if (self->status == NULL || g_str_equal (self->status, _("Called")))
    set_status (self, _("Answered"), "dim-label");
}

static const char *
isolation_name (DaIsolationLevel level)
{
  switch (level)
    {
    case DA_ISOLATION_STRICT:
      return _("strict");
    case DA_ISOLATION_MODERATE:
      return _("moderate");
    case DA_ISOLATION_MINIMAL:
    default:
      return _("minimal");
    }
}

void
da_tool_card_set_outcome (DaToolCard          *self,
                          const DaToolOutcome *outcome)
{
  const DaToolResult *result;

  g_return_if_fail (DA_IS_TOOL_CARD (self));
  g_return_if_fail (outcome != NULL);

  da_tool_card_set_call (self, outcome->call);
  da_tool_card_set_output (self, outcome->content);
  result = outcome->result;

  self->denied = outcome->denied;
  if (outcome->denied)
    {
      set_status (self, _("Permission denied"), "error");
      gtk_image_set_from_icon_name (self->icon, "action-unavailable-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self), "denied");
    }
  else if (outcome->ok)
    set_status (self, _("Done"), "success");
  else if (result != NULL && result->exit_status > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Exit status %d"), result->exit_status);

      set_status (self, text, "warning");
    }
  else
    set_status (self, _("Failed"), "error");

  if (result != NULL)
    {
      GString *details = g_string_new (NULL);

      if (result->exit_status >= 0)
        g_string_append_printf (details, _("Exit status %d"), result->exit_status);
      else
        g_string_append (details, _("No exit status"));
      g_string_append (details, " · ");
      if (result->sandboxed)
        g_string_append_printf (details, _("Sandboxed, isolation %s"), isolation_name (result->isolation));
      else
        g_string_append (details, _("Not sandboxed"));
      g_string_append (details, " · ");
      g_string_append_printf (details, _("%.2f s"), result->duration_us / (double) G_USEC_PER_SEC);
      if (result->truncated)
        {
          g_string_append (details, " · ");
          g_string_append (details, _("output cut to the limit"));
        }
      gtk_label_set_text (self->details_label, details->str);
      gtk_widget_set_visible (GTK_WIDGET (self->details_label), TRUE);
      g_string_free (details, TRUE);

      if (result->denials != NULL && result->denials->len > 0)
        {
          GString *denials = g_string_new (_("Refused by the sandbox:"));

          for (guint i = 0; i < result->denials->len; i++)
            {
              g_autofree char *line = da_escape_for_display (g_ptr_array_index (result->denials, i), -1);

              g_string_append_printf (denials, "\n• %s", line);
            }
          gtk_label_set_text (self->denials_label, denials->str);
          gtk_widget_set_visible (GTK_WIDGET (self->denials_label), TRUE);
          g_string_free (denials, TRUE);
        }
    }
}

const char *
da_tool_card_get_status (DaToolCard *self)
{
  g_return_val_if_fail (DA_IS_TOOL_CARD (self), NULL);
  return self->status;
}

gboolean
da_tool_card_get_denied (DaToolCard *self)
{
  g_return_val_if_fail (DA_IS_TOOL_CARD (self), FALSE);
  return self->denied;
}

void
da_tool_card_set_expanded (DaToolCard *self,
                           gboolean    expanded)
{
  g_return_if_fail (DA_IS_TOOL_CARD (self));
  gtk_expander_set_expanded (self->expander, expanded);
}
