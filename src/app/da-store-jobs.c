/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "da-app"

#include "config.h"

#include <string.h>

#include "da-store-jobs.h"

typedef struct
{
  char           *path;
  gint64          conversation_id;   /* -1: every conversation */
  DaExportFormat  format;
  GFile          *destination;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_clear_object (&job->destination);
  g_free (job);
}

static Job *
job_new (const char *path)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (path);
  job->conversation_id = -1;

  return job;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(DaStore) store = NULL;
  GError *error = NULL;
  GPtrArray *conversations;

  store = da_store_new (job->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  conversations = da_store_list_conversations (store, &error);
  if (conversations == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, conversations, (GDestroyNotify) g_ptr_array_unref);
}

void
da_store_jobs_list_conversations_async (const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_store_jobs_list_conversations_async);
  g_task_set_task_data (task, job_new (path), job_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
da_store_jobs_list_conversations_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Everything is one JSON array of the conversations' own exports. */
static char *
export_all (DaStore  *store,
            GError  **error)
{
  g_autoptr(GPtrArray) conversations = da_store_list_conversations (store, error);
  g_autoptr(GString) out = g_string_new ("[\n");

  if (conversations == NULL)
    return NULL;

  for (guint i = 0; i < conversations->len; i++)
    {
      DaConversation *conversation = g_ptr_array_index (conversations, i);
      g_autofree char *one = da_store_export_conversation (store, da_conversation_get_id (conversation),
                                                           DA_EXPORT_FORMAT_JSON, error);

      if (one == NULL)
        return NULL;
      g_strchomp (one);
      g_string_append_printf (out, "%s%s", i ? ",\n" : "", one);
    }
  g_string_append (out, "\n]\n");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(DaStore) store = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;

  store = da_store_new (job->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->conversation_id < 0)
    text = export_all (store, &error);
  else
    text = da_store_export_conversation (store, job->conversation_id, job->format, &error);

  if (text == NULL ||
      !g_file_replace_contents (job->destination, text, strlen (text), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* With a conversation_id of -1, writes every conversation as JSON. */
void
da_store_jobs_export_async (const char          *path,
                            gint64               conversation_id,
                            DaExportFormat       format,
                            GFile               *destination,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (path != NULL);
  g_return_if_fail (G_IS_FILE (destination));

  job = job_new (path);
  job->conversation_id = conversation_id;
  job->format = format;
  job->destination = g_object_ref (destination);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, da_store_jobs_export_async);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
da_store_jobs_export_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
