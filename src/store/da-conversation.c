/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-store"

#include "config.h"

#include "da-util.h"
#include "da-conversation.h"

struct _DaConversation
{
  GObject   parent_instance;

  gint64    id;
  gint64    created_at;
  gint64    updated_at;
  gint64    message_count;
  char     *title;
  char     *team_name;
  guint     pinned : 1;
};

G_DEFINE_FINAL_TYPE (DaConversation, da_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_TEAM_NAME,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_PINNED,
  PROP_MESSAGE_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
da_conversation_finalize (GObject *object)
{
  DaConversation *self = (DaConversation *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->team_name, g_free);

  G_OBJECT_CLASS (da_conversation_parent_class)->finalize (object);
}

static void
da_conversation_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DaConversation *self = DA_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_TEAM_NAME:
      g_value_set_string (value, self->team_name);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;
    case PROP_PINNED:
      g_value_set_boolean (value, self->pinned);
      break;
    case PROP_MESSAGE_COUNT:
      g_value_set_int64 (value, self->message_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_conversation_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DaConversation *self = DA_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      da_conversation_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_TITLE:
      da_conversation_set_title (self, g_value_get_string (value));
      break;
    case PROP_TEAM_NAME:
      da_conversation_set_team_name (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      da_conversation_set_created_at (self, g_value_get_int64 (value));
      break;
    case PROP_UPDATED_AT:
      da_conversation_set_updated_at (self, g_value_get_int64 (value));
      break;
    case PROP_PINNED:
      da_conversation_set_pinned (self, g_value_get_boolean (value));
      break;
    case PROP_MESSAGE_COUNT:
      da_conversation_set_message_count (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
da_conversation_class_init (DaConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = da_conversation_finalize;
  object_class->get_property = da_conversation_get_property;
  object_class->set_property = da_conversation_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_TEAM_NAME] =
    g_param_spec_string ("team-name", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PINNED] =
    g_param_spec_boolean ("pinned", NULL, NULL, FALSE, flags);
  properties[PROP_MESSAGE_COUNT] =
    g_param_spec_int64 ("message-count", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
da_conversation_init (DaConversation *self)
{
  self->id = -1;
}

DaConversation *
da_conversation_new (gint64      id,
                     const char *title,
                     const char *team_name)
{
  return g_object_new (DA_TYPE_CONVERSATION,
                       "id", id,
                       "title", title,
                       "team-name", team_name,
                       NULL);
}

gint64
da_conversation_get_id (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), -1);
  return self->id;
}

void
da_conversation_set_id (DaConversation *self,
                        gint64          id)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
da_conversation_get_title (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), NULL);
  return self->title;
}

void
da_conversation_set_title (DaConversation *self,
                           const char     *title)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  if (da_set_str (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
da_conversation_get_team_name (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), NULL);
  return self->team_name;
}

void
da_conversation_set_team_name (DaConversation *self,
                               const char     *team_name)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  if (da_set_str (&self->team_name, team_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM_NAME]);
}

gint64
da_conversation_get_created_at (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), 0);
  return self->created_at;
}

void
da_conversation_set_created_at (DaConversation *self,
                                gint64          created_at_us)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  if (self->created_at == created_at_us)
    return;
  self->created_at = created_at_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
da_conversation_get_updated_at (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), 0);
  return self->updated_at;
}

void
da_conversation_set_updated_at (DaConversation *self,
                                gint64          updated_at_us)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  if (self->updated_at == updated_at_us)
    return;
  self->updated_at = updated_at_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gboolean
da_conversation_get_pinned (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), FALSE);
  return self->pinned;
}

void
da_conversation_set_pinned (DaConversation *self,
                            gboolean        pinned)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  pinned = !!pinned;
  if (self->pinned == (guint)pinned)
    return;
  self->pinned = pinned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

gint64
da_conversation_get_message_count (DaConversation *self)
{
  g_return_val_if_fail (DA_IS_CONVERSATION (self), 0);
  return self->message_count;
}

void
da_conversation_set_message_count (DaConversation *self,
                                   gint64          message_count)
{
  g_return_if_fail (DA_IS_CONVERSATION (self));

  if (self->message_count == message_count)
    return;
  self->message_count = message_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_COUNT]);
}
