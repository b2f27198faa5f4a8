/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "da-llm-error.h"
#include "da-provider-factory.h"
#include "da-welcome-page.h"

/* The first page a person sees with no provider: it offers to find an
 * OpenAI-compatible server on the usual loopback ports. */

struct _DaWelcomePage
{
  GtkWidget     parent_instance;

  GtkWidget    *detect_button;
  GtkSpinner   *spinner;
  GtkLabel     *status_label;
  GCancellable *cancellable;
  GPtrArray    *probes;
  guint         pending;
};

enum {
  PROVIDER_FOUND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DaWelcomePage, da_welcome_page, GTK_TYPE_WIDGET)

typedef struct
{
  const char *kind;
  const char *name;
  guint       port;
  char       *base_url;
  char       *model;
  gboolean    done;
} Probe;

static void
probe_free (Probe *probe)
{
  g_free (probe->base_url);
  g_free (probe->model);
  g_free (probe);
}

static void
finish_detection (DaWelcomePage *self)
{
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_sensitive (self->detect_button, TRUE);

  /* The first port in the usual order wins, whatever answered first. */
  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *probe = g_ptr_array_index (self->probes, i);

      if (probe->model != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Found %s at %s with the model %s."),
                                                   probe->name, probe->base_url, probe->model);

          gtk_label_set_label (self->status_label, text);
          g_signal_emit (self, signals[PROVIDER_FOUND], 0,
                         probe->kind, probe->base_url, probe->model);
          return;
        }
    }

  gtk_label_set_label (self->status_label,
                       _("No local server answered on ports 11434 (Ollama), 1234 (LM Studio) or 8080 (llama.cpp). Start one and try again, or add a provider with an API key."));
}

static void
models_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = da_provider_list_models_finish (DA_PROVIDER (object), result, &error);
  /* The probe holds a reference on the page until its answer is in. */
  g_autoptr(DaWelcomePage) self = g_object_get_data (object, "welcome-page");

  probe->done = TRUE;
  if (models != NULL && models[0] != NULL)
    probe->model = g_strdup (models[0]);
  else if (error != NULL)
    g_debug ("No server at %s: %s", probe->base_url, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, DA_LLM_ERROR, DA_LLM_ERROR_CANCELLED))
    return;

  if (--self->pending == 0)
    finish_detection (self);
}

void
da_welcome_page_detect (DaWelcomePage *self)
{
  static const struct { const char *kind; const char *name; guint port; } servers[] = {
    { "ollama", "Ollama", 11434 },
    { "openai", "LM Studio", 1234 },
    { "openai", "llama.cpp", 8080 },
  };
  g_auto(GStrv) override = NULL;
  const char *ports_env = g_getenv ("DA_LOCAL_SERVER_PORTS");

  g_return_if_fail (DA_IS_WELCOME_PAGE (self));

  if (self->pending > 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_ptr_array_set_size (self->probes, 0);

  /* DA_LOCAL_SERVER_PORTS=PORT,… replaces the usual ports (tests). */
  if (ports_env != NULL && *ports_env != '\0')
    override = g_strsplit (ports_env, ",", -1);

  for (guint i = 0; i < (override ? g_strv_length (override) : G_N_ELEMENTS (servers)); i++)
    {
      g_autoptr(DaProvider) provider = NULL;
      Probe *probe = g_new0 (Probe, 1);

      probe->kind = override ? "openai" : servers[i].kind;
      probe->name = override ? "OpenAI-compatible server" : servers[i].name;
      probe->port = override ? (guint) g_ascii_strtoull (override[i], NULL, 10) : servers[i].port;
      probe->base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", probe->port);
      g_ptr_array_add (self->probes, probe);

      provider = da_provider_new_for_kind (probe->kind, probe->base_url, NULL);
      if (provider == NULL)
        continue;

      da_provider_set_timeout (provider, 3);
      da_provider_set_max_retries (provider, 0);
      g_object_set_data (G_OBJECT (provider), "welcome-page", g_object_ref (self));
      self->pending++;
      da_provider_list_models_async (provider, self->cancellable, models_cb, probe);
    }

  gtk_label_set_label (self->status_label, _("Looking for a server on this computer…"));
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_set_sensitive (self->detect_button, FALSE);

  if (self->pending == 0)
    finish_detection (self);
}

static void
detect_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  da_welcome_page_detect (DA_WELCOME_PAGE (widget));
}

static void
da_welcome_page_dispose (GObject *object)
{
  DaWelcomePage *self = DA_WELCOME_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DA_TYPE_WELCOME_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (da_welcome_page_parent_class)->dispose (object);
}

static void
da_welcome_page_finalize (GObject *object)
{
  DaWelcomePage *self = DA_WELCOME_PAGE (object);

  g_ptr_array_unref (self->probes);

  G_OBJECT_CLASS (da_welcome_page_parent_class)->finalize (object);
}

static void
da_welcome_page_class_init (DaWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = da_welcome_page_dispose;
  object_class->finalize = da_welcome_page_finalize;

  signals[PROVIDER_FOUND] =
    g_signal_new ("provider-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/denoagents/DenoAgents/ui/da-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DaWelcomePage, detect_button);
  gtk_widget_class_bind_template_child (widget_class, DaWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, DaWelcomePage, status_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "welcome.detect", NULL, detect_action);
}

static void
da_welcome_page_init (DaWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
}

GtkWidget *
da_welcome_page_new (void)
{
  return g_object_new (DA_TYPE_WELCOME_PAGE, NULL);
}
