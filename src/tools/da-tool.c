/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-tools"

#include "config.h"

#include "da-tool.h"
#include "da-tool-error.h"

/**
 * DaTool:
 *
 * A function the model may call: a name, a description, a JSON schema
 * for its arguments (checked before anything runs), the permissions a
 * call needs (asked from the broker before it runs), and the run itself.
 */

typedef struct
{
  char         *name;
  char         *description;
  JsonNode     *parameters;
  DaJsonSchema *schema;
} DaToolPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DaTool, da_tool, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (DaToolPermission, da_tool_permission, da_tool_permission_copy, da_tool_permission_free)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_PARAMETERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

DaToolPermission *
da_tool_permission_new (DaPermissionKind  kind,
                        const char       *target,
                        const char       *detail)
{
  DaToolPermission *self = g_new0 (DaToolPermission, 1);

  self->kind = kind;
  self->target = g_strdup (target);
  self->detail = g_strdup (detail);
  return self;
}

DaToolPermission *
da_tool_permission_copy (const DaToolPermission *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return da_tool_permission_new (self->kind, self->target, self->detail);
}

void
da_tool_permission_free (DaToolPermission *self)
{
  if (self == NULL)
    return;
  g_free (self->target);
  g_free (self->detail);
  g_free (self);
}

static GPtrArray *
da_tool_real_permissions_for (DaTool         *self,
                              DaToolContext  *context,
                              JsonObject     *args,
                              GError        **error)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) da_tool_permission_free);
}

static void
da_tool_constructed (GObject *object)
{
  DaTool *self = DA_TOOL (object);
  DaToolPrivate *priv = da_tool_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (da_tool_parent_class)->constructed (object);

  if (priv->parameters == NULL)
    priv->parameters = json_from_string ("{\"type\":\"object\",\"properties\":{}}", NULL);

  priv->schema = da_json_schema_new (priv->parameters, &error);
  if (priv->schema == NULL)
    g_critical ("The parameters schema of tool %s is invalid: %s", priv->name, error->message);
}

static void
da_tool_finalize (GObject *object)
{
  DaTool *self = DA_TOOL (object);
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  g_free (priv->name);
  g_free (priv->description);
  g_clear_pointer (&priv->parameters, json_node_unref);
  g_clear_pointer (&priv->schema, da_json_schema_unref);

  G_OBJECT_CLASS (da_tool_parent_class)->finalize (object);
}

static void
da_tool_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  DaTool *self = DA_TOOL (object);
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, priv->description);
      break;
    case PROP_PARAMETERS:
      g_value_set_boxed (value, priv->parameters);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_tool_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  DaTool *self = DA_TOOL (object);
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;
    case PROP_DESCRIPTION:
      priv->description = g_value_dup_string (value);
      break;
    case PROP_PARAMETERS:
      priv->parameters = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_tool_class_init (DaToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = da_tool_constructed;
  object_class->finalize = da_tool_finalize;
  object_class->get_property = da_tool_get_property;
  object_class->set_property = da_tool_set_property;

  klass->permissions_for = da_tool_real_permissions_for;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAMETERS] =
    g_param_spec_boxed ("parameters", NULL, NULL, JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_tool_init (DaTool *self)
{
}

const char *
da_tool_get_name (DaTool *self)
{
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  g_return_val_if_fail (DA_IS_TOOL (self), NULL);
  return priv->name;
}

const char *
da_tool_get_description (DaTool *self)
{
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  g_return_val_if_fail (DA_IS_TOOL (self), NULL);
  return priv->description;
}

/**
 * da_tool_get_parameters:
 *
 * Returns: (transfer none): the JSON schema of the arguments
 */
JsonNode *
da_tool_get_parameters (DaTool *self)
{
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  g_return_val_if_fail (DA_IS_TOOL (self), NULL);
  return priv->parameters;
}

/**
 * da_tool_get_schema:
 *
 * Returns: (transfer none) (nullable): the compiled schema, %NULL when
 *   the tool's schema is invalid (every call is then refused)
 */
DaJsonSchema *
da_tool_get_schema (DaTool *self)
{
  DaToolPrivate *priv = da_tool_get_instance_private (self);

  g_return_val_if_fail (DA_IS_TOOL (self), NULL);
  return priv->schema;
}

/**
 * da_tool_to_openai:
 *
 * Returns: (transfer full): the definition in the OpenAI "function" form
 *   ({"type":"function","function":{name, description, parameters}})
 */
JsonNode *
da_tool_to_openai (DaTool *self)
{
  DaToolPrivate *priv = da_tool_get_instance_private (self);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (DA_IS_TOOL (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "function");
  json_builder_set_member_name (builder, "function");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, priv->name);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, priv->description ? priv->description : "");
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, json_node_copy (priv->parameters));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * da_tool_parse_arguments:
 * @arguments: (nullable): the arguments as the model wrote them; empty
 *   or %NULL means {}
 *
 * Parses the model's arguments and checks them against the tool's schema.
 *
 * Returns: (transfer full): the arguments object, or %NULL with
 *   %DA_TOOL_ERROR_INVALID_ARGUMENTS and a message meant for the model
 */
JsonObject *
da_tool_parse_arguments (DaTool      *self,
                         const char  *arguments,
                         GError     **error)
{
  DaToolPrivate *priv = da_tool_get_instance_private (self);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (DA_IS_TOOL (self), NULL);

  if (priv->schema == NULL)
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_FAILED,
                   "The tool %s has an invalid parameters schema and cannot be called",
                   priv->name);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (arguments == NULL || arguments[0] == '\0')
    arguments = "{}";
  if (!json_parser_load_from_data (parser, arguments, -1, &local_error))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS,
                   "The arguments of %s are not valid JSON: %s",
                   priv->name, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS,
                   "The arguments of %s must be a JSON object", priv->name);
      return NULL;
    }

  if (!da_json_schema_validate (priv->schema, root, &local_error))
    {
      g_set_error (error, DA_TOOL_ERROR, DA_TOOL_ERROR_INVALID_ARGUMENTS,
                   "The arguments of %s do not match its schema: %s",
                   priv->name, local_error->message);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * da_tool_permissions_for:
 *
 * Returns: (transfer container) (element-type DaToolPermission): what a
 *   call with @args needs, or %NULL with an error for the model
 */
GPtrArray *
da_tool_permissions_for (DaTool         *self,
                         DaToolContext  *context,
                         JsonObject     *args,
                         GError        **error)
{
  g_return_val_if_fail (DA_IS_TOOL (self), NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (args != NULL, NULL);

  return DA_TOOL_GET_CLASS (self)->permissions_for (self, context, args, error);
}

void
da_tool_run_async (DaTool              *self,
                   DaToolContext       *context,
                   JsonObject          *args,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_return_if_fail (DA_IS_TOOL (self));
  g_return_if_fail (context != NULL);
  g_return_if_fail (args != NULL);
  g_return_if_fail (DA_TOOL_GET_CLASS (self)->run_async != NULL);

  DA_TOOL_GET_CLASS (self)->run_async (self, context, args, cancellable, callback, user_data);
}

/**
 * da_tool_run_finish:
 *
 * Returns: (transfer full): the result, or %NULL with an error
 */
DaToolResult *
da_tool_run_finish (DaTool        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (DA_IS_TOOL (self), NULL);

  return DA_TOOL_GET_CLASS (self)->run_finish (self, result, error);
}
