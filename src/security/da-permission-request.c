/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-security"

#include "config.h"

#include "da-escape.h"
#include "da-permission-request-private.h"

struct _DaPermissionRequest
{
  GObject                   parent_instance;

  char                     *agent;
  char                     *tool;
  DaPermissionKind          kind;
  char                     *target;
  char                     *detail;

  DaPermissionAnsweredFunc  func;
  gpointer                  func_data;
  gboolean                  answered;
};

G_DEFINE_FINAL_TYPE (DaPermissionRequest, da_permission_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AGENT,
  PROP_TOOL,
  PROP_KIND,
  PROP_TARGET,
  PROP_DETAIL,
  PROP_ANSWERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
da_permission_request_finalize (GObject *object)
{
  DaPermissionRequest *self = DA_PERMISSION_REQUEST (object);

  g_free (self->agent);
  g_free (self->tool);
  g_free (self->target);
  g_free (self->detail);

  G_OBJECT_CLASS (da_permission_request_parent_class)->finalize (object);
}

static void
da_permission_request_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DaPermissionRequest *self = DA_PERMISSION_REQUEST (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      g_value_set_string (value, self->agent);
      break;
    case PROP_TOOL:
      g_value_set_string (value, self->tool);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_TARGET:
      g_value_set_string (value, self->target);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_ANSWERED:
      g_value_set_boolean (value, self->answered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_permission_request_class_init (DaPermissionRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = da_permission_request_finalize;
  object_class->get_property = da_permission_request_get_property;

  properties[PROP_AGENT] =
    g_param_spec_string ("agent", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOL] =
    g_param_spec_string ("tool", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, DA_TYPE_PERMISSION_KIND, DA_PERMISSION_READ,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANSWERED] =
    g_param_spec_boolean ("answered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_permission_request_init (DaPermissionRequest *self)
{
}

DaPermissionRequest *
_da_permission_request_new (const char               *agent,
                            const char               *tool,
                            DaPermissionKind          kind,
                            const char               *target,
                            const char               *detail,
                            DaPermissionAnsweredFunc  func,
                            gpointer                  user_data)
{
  DaPermissionRequest *self = g_object_new (DA_TYPE_PERMISSION_REQUEST, NULL);

  self->agent = g_strdup (agent ? agent : "");
  self->tool = g_strdup (tool ? tool : "");
  self->kind = kind;
  self->target = g_strdup (target ? target : "");
  self->detail = g_strdup (detail);
  self->func = func;
  self->func_data = user_data;

  return self;
}

/* The broker no longer waits (every caller was cancelled): a late answer
 * is ignored. */
void
_da_permission_request_detach (DaPermissionRequest *self)
{
  self->func = NULL;
  self->func_data = NULL;
}

const char *
da_permission_request_get_agent (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return self->agent;
}

const char *
da_permission_request_get_tool (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return self->tool;
}

DaPermissionKind
da_permission_request_get_kind (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), DA_PERMISSION_READ);
  return self->kind;
}

const char *
da_permission_request_get_target (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return self->target;
}

/**
 * da_permission_request_get_detail:
 *
 * Returns: (nullable): what the call does besides touching the target
 *   (the command line, the URL), raw
 */
const char *
da_permission_request_get_detail (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return self->detail;
}

char *
da_permission_request_get_display_agent (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return da_escape_for_display (self->agent, -1);
}

char *
da_permission_request_get_display_tool (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return da_escape_for_display (self->tool, -1);
}

char *
da_permission_request_get_display_target (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return da_escape_for_display (self->target, -1);
}

/**
 * da_permission_request_get_display_detail:
 *
 * Returns: (nullable): the escaped detail, or %NULL when there is none
 */
char *
da_permission_request_get_display_detail (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return self->detail ? da_escape_for_display (self->detail, -1) : NULL;
}

/**
 * da_permission_request_describe:
 *
 * Returns: the escaped phrase for a prompt, as "read access to “/etc”"
 */
char *
da_permission_request_describe (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return da_permissions_describe (self->kind, self->target);
}

/**
 * da_permission_request_get_flag:
 *
 * Returns: the command-line flag that grants this kind up front
 *   ("--allow-read")
 */
const char *
da_permission_request_get_flag (DaPermissionRequest *self)
{
  static const char * const flags[] = {
    "--allow-read", "--allow-write", "--allow-net", "--allow-env", "--allow-run",
  };

  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), NULL);
  return flags[self->kind];
}

/* A program run with a detail (a shell's command line, an interpreter's
 * script) is granted for that input only: the program alone would allow
 * anything. */
gboolean
_da_permission_binds_detail (DaPermissionKind  kind,
                             const char       *detail)
{
  return kind == DA_PERMISSION_RUN && detail != NULL;
}

/**
 * da_permission_request_get_always_exact:
 *
 * Returns: whether "always" allows only this exact detail (the command
 *   line, the script; bound to its SHA-256 and the program's) rather
 *   than the whole target; prompts should say so
 */
gboolean
da_permission_request_get_always_exact (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), FALSE);
  return _da_permission_binds_detail (self->kind, self->detail);
}

gboolean
da_permission_request_get_answered (DaPermissionRequest *self)
{
  g_return_val_if_fail (DA_IS_PERMISSION_REQUEST (self), FALSE);
  return self->answered;
}

/**
 * da_permission_request_answer:
 *
 * Answers the request. Only the first answer counts.
 */
void
da_permission_request_answer (DaPermissionRequest *self,
                              DaPermissionAnswer   answer)
{
  DaPermissionAnsweredFunc func;
  gpointer data;

  g_return_if_fail (DA_IS_PERMISSION_REQUEST (self));
  g_return_if_fail (answer <= DA_PERMISSION_ANSWER_ALWAYS);

  if (self->answered)
    return;

  self->answered = TRUE;
  func = self->func;
  data = self->func_data;
  _da_permission_request_detach (self);

  g_object_ref (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED]);
  if (func != NULL)
    func (self, answer, data);
  g_object_unref (self);
}

const char *
da_permission_answer_to_string (DaPermissionAnswer answer)
{
  switch (answer)
    {
    case DA_PERMISSION_ANSWER_DENY: return "deny";
    case DA_PERMISSION_ANSWER_ONCE: return "once";
    case DA_PERMISSION_ANSWER_ALWAYS: return "always";
    default: return "unknown";
    }
}
