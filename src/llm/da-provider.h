/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "da-message.h"
#include "da-request.h"

G_BEGIN_DECLS

#define DA_TYPE_PROVIDER (da_provider_get_type ())

G_DECLARE_DERIVABLE_TYPE (DaProvider, da_provider, DA, PROVIDER, GObject)

/**
 * DaProviderClass:
 * @kind: the provider kind as written in team files ("openai", …)
 * @stream_async: send @request and stream the reply into @reply:
 *   text through da_message_append_text(), tool-call fragments through
 *   da_message_emit_tool_call_delta(), then the complete tool calls,
 *   the finish reason and the usage. The state of @reply is left to
 *   the caller.
 * @stream_finish: %TRUE on success, or a #DaLlmError
 * @list_models_async: ask the server which models it offers
 * @list_models_finish: the model ids, or a #DaLlmError
 */
struct _DaProviderClass
{
  GObjectClass parent_class;

  const char *kind;

  void       (*stream_async)       (DaProvider           *self,
                                    DaRequest            *request,
                                    DaMessage            *reply,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  gboolean   (*stream_finish)      (DaProvider           *self,
                                    GAsyncResult         *result,
                                    GError              **error);
  void       (*list_models_async)  (DaProvider           *self,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
  GStrv      (*list_models_finish) (DaProvider           *self,
                                    GAsyncResult         *result,
                                    GError              **error);

  /*< private >*/
  gpointer _reserved[8];
};

const char  *da_provider_get_kind            (DaProvider           *self);
const char  *da_provider_get_base_url        (DaProvider           *self);
const char  *da_provider_get_default_model   (DaProvider           *self);
void         da_provider_set_default_model   (DaProvider           *self,
                                              const char           *model);
void         da_provider_set_api_key         (DaProvider           *self,
                                              const char           *api_key);
gboolean     da_provider_has_api_key         (DaProvider           *self);
guint        da_provider_get_timeout         (DaProvider           *self);
void         da_provider_set_timeout         (DaProvider           *self,
                                              guint                 timeout_seconds);
guint        da_provider_get_max_retries     (DaProvider           *self);
void         da_provider_set_max_retries     (DaProvider           *self,
                                              guint                 max_retries);
char        *da_provider_redact              (DaProvider           *self,
                                              const char           *text);
void         da_provider_stream_async        (DaProvider           *self,
                                              DaRequest            *request,
                                              DaMessage            *reply,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean     da_provider_stream_finish       (DaProvider           *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void         da_provider_list_models_async   (DaProvider           *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GStrv        da_provider_list_models_finish  (DaProvider           *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
