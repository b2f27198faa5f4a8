/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  USER_ROOT,
  USER_UNPRIVILEGED,
} SandboxUser;

/* A scratch tree outside every policy, with servers the probes attack. */
typedef struct
{
  char    *base;          /* mode 0755, under /tmp */
  char    *bin;           /* copies of the probes */
  char    *secret;        /* base/secret/secret.txt, world-readable */
  char    *marker;        /* its content, also in the test's environment */
  char    *allowed;       /* base/allowed/readme.txt */
  char    *work[2];       /* writable folder per user */
  char    *setuid[2];     /* set-user-ID probe copy per user, or NULL */
  char    *unix_path;     /* base/secret/server.sock */
  char    *abstract;      /* "@name" */
  char    *proxy_socket;  /* base/proxy/proxy.sock */
  guint16  port;          /* TCP + UDP echo on 127.0.0.1 and ::1 */
  int      leaked_fd;     /* the secret, opened without O_CLOEXEC */
} SandboxFixture;

typedef struct
{
  int    status;          /* exit code of denoagents-sandbox */
  char  *out;
  gsize  out_len;
  char  *err;
  char  *report;
} SandboxResult;

SandboxFixture *sandbox_fixture_get   (void);
void            sandbox_fixture_free  (void);
gboolean        sandbox_user_usable   (SandboxUser   user,
                                       const char  **reason);
char           *sandbox_write_policy  (const char   *json);
void            sandbox_run           (SandboxUser     user,
                                       const char     *policy_path,
                                       const char *const *argv,
                                       SandboxResult  *result);
void            sandbox_result_clear  (SandboxResult  *result);

G_END_DECLS
