/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "da-sandbox-error.h"

G_BEGIN_DECLS

typedef enum
{
  DA_SANDBOX_ISOLATION_STRICT,
  DA_SANDBOX_ISOLATION_MODERATE,
  DA_SANDBOX_ISOLATION_MINIMAL,
} DaSandboxIsolation;

/* Limits that apply when the policy does not name them: deny by default
 * means a tool gets a bounded share, never an unbounded one. */
#define DA_SANDBOX_DEFAULT_MEMORY_MB      1024
#define DA_SANDBOX_DEFAULT_CPU_SECONDS    60
#define DA_SANDBOX_DEFAULT_WALL_SECONDS   300
#define DA_SANDBOX_DEFAULT_MAX_PROCESSES  64
#define DA_SANDBOX_DEFAULT_MAX_FILE_MB    64
#define DA_SANDBOX_DEFAULT_MAX_OUTPUT_KB  1024
#define DA_SANDBOX_DEFAULT_MAX_CONNECTIONS 10
#define DA_SANDBOX_DEFAULT_PROXY_PORT     3128

typedef struct
{
  DaSandboxIsolation isolation;

  char     **fs_read;          /* absolute, normalised; never NULL */
  char     **fs_write;         /* absolute, normalised; never NULL */
  gboolean   fs_temp;          /* a private writable /tmp (TMPDIR) */

  char     **net_allow;        /* host or host:port patterns, for the proxy */
  guint      net_max_connections;
  char      *net_proxy_socket; /* unix socket of the application's proxy */
  guint16    net_proxy_port;   /* loopback port inside the sandbox */

  char     **env_allow;        /* variable names copied from the caller */
  char     **env_set;          /* "NAME=VALUE" */

  guint64    memory_mb;
  guint64    cpu_seconds;
  guint64    wall_seconds;
  guint64    max_processes;
  guint64    max_file_mb;
  guint64    max_output_kb;

  char      *cwd;              /* NULL: "/" in a fresh root, else unchanged */
} DaSandboxPolicy;

DaSandboxPolicy *_da_sandbox_policy_parse (const char  *data,
                                           gsize        len,
                                           GError     **error);
void             _da_sandbox_policy_free  (DaSandboxPolicy *policy);
const char      *_da_sandbox_isolation_to_string (DaSandboxIsolation isolation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DaSandboxPolicy, _da_sandbox_policy_free)

G_END_DECLS
