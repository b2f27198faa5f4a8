/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sandbox-test-fixture.h"

#define NOBODY 65534

static SandboxFixture *fixture;
static GThread *server_thread;
static int server_stop[2] = { -1, -1 };
static int listeners[7];   /* tcp4, tcp6, udp4, udp6, unix path, abstract, proxy */

static void
set_nonblock (int fd)
{
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
}

static int
inet_socket (int      family,
             int      type,
             guint16 *port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  int one = 1;
  int fd = socket (family, type | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET)
    {
      struct sockaddr_in *a = (struct sockaddr_in *) &ss;
      a->sin_family = AF_INET;
      a->sin_port = htons (*port);
      a->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      len = sizeof *a;
    }
  else
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons (*port);
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    }
  if (bind (fd, (struct sockaddr *) &ss, len) != 0)
    {
      close (fd);
      return -1;
    }
  if (*port == 0)
    {
      getsockname (fd, (struct sockaddr *) &ss, &len);
      *port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                       : ((struct sockaddr_in6 *) &ss)->sin6_port);
    }
  if (type == SOCK_STREAM)
    listen (fd, 16);
  set_nonblock (fd);
  return fd;
}

static int
unix_socket (const char *name,
             gboolean    abstract)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  socklen_t len;
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (abstract)
    {
      memcpy (addr.sun_path + 1, name, strlen (name));
      len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + 1 + strlen (name));
    }
  else
    {
      g_strlcpy (addr.sun_path, name, sizeof addr.sun_path);
      len = sizeof addr;
    }
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, len), ==, 0);
  if (!abstract)
    chmod (name, 0777);
  listen (fd, 16);
  set_nonblock (fd);
  return fd;
}

/* Reads one HTTP request head and answers with its request line, as a
 * stand-in for the application's proxy. */
static void
answer_proxy (int fd)
{
  char buf[4096];
  gsize len = 0;
  struct pollfd p = { fd, POLLIN, 0 };

  while (len < sizeof buf - 1 && poll (&p, 1, 5000) == 1)
    {
      ssize_t r = read (fd, buf + len, sizeof buf - 1 - len);

      if (r <= 0)
        break;
      len += (gsize) r;
      buf[len] = '\0';
      if (strstr (buf, "\r\n\r\n") != NULL)
        {
          g_autofree char *line = g_strndup (buf, (gsize) (strstr (buf, "\r\n") - buf));
          g_autofree char *reply = g_strdup_printf ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                                    "proxied %s\n", line);
          G_GNUC_UNUSED ssize_t w = write (fd, reply, strlen (reply));
          break;
        }
    }
}

static gpointer
server_main (gpointer data)
{
  for (;;)
    {
      struct pollfd fds[8];

      for (int i = 0; i < 7; i++)
        fds[i] = (struct pollfd) { listeners[i], POLLIN, 0 };
      fds[7] = (struct pollfd) { server_stop[0], POLLIN, 0 };
      if (poll (fds, 8, -1) < 0)
        continue;
      if (fds[7].revents)
        return NULL;
      for (int i = 0; i < 7; i++)
        {
          if (!(fds[i].revents & POLLIN))
            continue;
          if (i == 2 || i == 3)
            {
              char buf[512];
              struct sockaddr_storage from;
              socklen_t len = sizeof from;
              ssize_t r = recvfrom (listeners[i], buf, sizeof buf, 0, (struct sockaddr *) &from, &len);

              if (r > 0)
                sendto (listeners[i], buf, (size_t) r, 0, (struct sockaddr *) &from, len);
            }
          else
            {
              int c = accept4 (listeners[i], NULL, NULL, SOCK_CLOEXEC);

              if (c < 0)
                continue;
              if (i == 6)
                answer_proxy (c);
              else
                {
                  G_GNUC_UNUSED ssize_t w = write (c, "hello from outside", 18);
                }
              close (c);
            }
        }
    }
}

static void
copy_probe (const char *from_dir,
            const char *name,
            const char *to)
{
  g_autofree char *src = g_build_filename (from_dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (src, &data, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (to, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0755, &error);
  g_assert_no_error (error);
}

static char *
make_dir (const char *parent,
          const char *name,
          uid_t       owner)
{
  char *dir = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  chmod (dir, 0755);
  if (geteuid () == 0)
    g_assert_cmpint (chown (dir, owner, owner), ==, 0);
  return dir;
}

SandboxFixture *
sandbox_fixture_get (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *probes = NULL;
  g_autofree char *secret_dir = NULL;
  g_autofree char *allowed_dir = NULL;
  g_autofree char *proxy_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (fixture != NULL)
    return fixture;

  fixture = g_new0 (SandboxFixture, 1);
  fixture->base = g_dir_make_tmp ("da-sandbox-test-XXXXXX", &error);
  g_assert_no_error (error);
  chmod (fixture->base, 0755);

  /* Probes are copied so an unprivileged user can run them wherever the
   * build tree lives. */
  fixture->bin = make_dir (fixture->base, "bin", 0);
  probes = g_test_build_filename (G_TEST_BUILT, "sandbox", "probes", NULL);
  dir = g_dir_open (probes, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "probe-") && !strchr (name, '.'))
      {
        g_autofree char *to = g_build_filename (fixture->bin, name, NULL);
        copy_probe (probes, name, to);
      }

  secret_dir = make_dir (fixture->base, "secret", 0);
  fixture->secret = g_build_filename (secret_dir, "secret.txt", NULL);
  fixture->marker = g_strdup_printf ("DA-SECRET-%08x%08x", g_random_int (), g_random_int ());
  g_file_set_contents_full (fixture->secret, fixture->marker, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  fixture->leaked_fd = open (fixture->secret, O_RDONLY);

  allowed_dir = make_dir (fixture->base, "allowed", 0);
  fixture->allowed = g_build_filename (allowed_dir, "readme.txt", NULL);
  g_file_set_contents_full (fixture->allowed, "allowed-content", -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);

  fixture->work[USER_ROOT] = make_dir (fixture->base, "work-root", 0);
  fixture->work[USER_UNPRIVILEGED] = make_dir (fixture->base, "work-unprivileged",
                                               geteuid () == 0 ? NOBODY : geteuid ());

  /* A set-user-ID copy of probe-setuid owned by someone other than the
   * user who runs it: daemon (1) for root, root for nobody. */
  if (geteuid () == 0)
    {
      for (int u = 0; u < 2; u++)
        {
          g_autofree char *d = make_dir (fixture->base, u == USER_ROOT ? "setuid-root" : "setuid-unprivileged", 0);

          fixture->setuid[u] = g_build_filename (d, "probe-setuid", NULL);
          copy_probe (fixture->bin, "probe-setuid", fixture->setuid[u]);
          g_assert_cmpint (chown (fixture->setuid[u], u == USER_ROOT ? 1 : 0, 0), ==, 0);
          g_assert_cmpint (chmod (fixture->setuid[u], 04755), ==, 0);
        }
    }

  listeners[0] = inet_socket (AF_INET, SOCK_STREAM, &fixture->port);
  listeners[1] = inet_socket (AF_INET6, SOCK_STREAM, &fixture->port);
  listeners[2] = inet_socket (AF_INET, SOCK_DGRAM, &fixture->port);
  listeners[3] = inet_socket (AF_INET6, SOCK_DGRAM, &fixture->port);
  fixture->unix_path = g_build_filename (secret_dir, "server.sock", NULL);
  listeners[4] = unix_socket (fixture->unix_path, FALSE);
  fixture->abstract = g_strdup_printf ("@da-sandbox-test-%d", (int) getpid ());
  listeners[5] = unix_socket (fixture->abstract + 1, TRUE);
  proxy_dir = make_dir (fixture->base, "proxy", 0);
  fixture->proxy_socket = g_build_filename (proxy_dir, "proxy.sock", NULL);
  listeners[6] = unix_socket (fixture->proxy_socket, FALSE);
  g_assert_cmpint (pipe (server_stop), ==, 0);
  server_thread = g_thread_new ("servers", server_main, NULL);

  return fixture;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

void
sandbox_fixture_free (void)
{
  G_GNUC_UNUSED ssize_t w;

  if (fixture == NULL)
    return;
  w = write (server_stop[1], "x", 1);
  g_thread_join (server_thread);
  for (int i = 0; i < 7; i++)
    close (listeners[i]);
  close (server_stop[0]);
  close (server_stop[1]);
  close (fixture->leaked_fd);
  nftw (fixture->base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_free (fixture->base);
  g_free (fixture->bin);
  g_free (fixture->secret);
  g_free (fixture->marker);
  g_free (fixture->allowed);
  for (int u = 0; u < 2; u++)
    {
      g_free (fixture->work[u]);
      g_free (fixture->setuid[u]);
    }
  g_free (fixture->unix_path);
  g_free (fixture->abstract);
  g_free (fixture->proxy_socket);
  g_clear_pointer (&fixture, g_free);
}

gboolean
sandbox_user_usable (SandboxUser   user,
                     const char  **reason)
{
  if (user == USER_ROOT && geteuid () != 0)
    {
      *reason = "the suite is not running as root";
      return FALSE;
    }
  if (user == USER_UNPRIVILEGED && geteuid () == 0)
    {
      g_autofree char *setpriv = g_find_program_in_path ("setpriv");

      if (setpriv == NULL)
        {
          *reason = "setpriv(1) is needed to drop to an unprivileged user";
          return FALSE;
        }
    }
  return TRUE;
}

char *
sandbox_write_policy (const char *json)
{
  SandboxFixture *f = sandbox_fixture_get ();
  g_autoptr(GError) error = NULL;
  static guint n;
  char *path = g_strdup_printf ("%s/policy-%u.json", f->base, n++);

  g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  return path;
}

void
sandbox_run (SandboxUser        user,
             const char        *policy_path,
             const char *const *argv,
             SandboxResult     *result)
{
  SandboxFixture *f = sandbox_fixture_get ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *nobody_uid = g_strdup_printf ("--reuid=%d", NOBODY);
  g_autofree char *nobody_gid = g_strdup_printf ("--regid=%d", NOBODY);
  const char *sandbox = g_getenv ("DA_SANDBOX_PATH");
  int report_pipe[2];
  char buf[4096];
  ssize_t r;

  g_assert_nonnull (sandbox);
  memset (result, 0, sizeof *result);

  if (user == USER_UNPRIVILEGED && geteuid () == 0)
    {
      g_ptr_array_add (args, (char *) "setpriv");
      g_ptr_array_add (args, nobody_uid);
      g_ptr_array_add (args, nobody_gid);
      g_ptr_array_add (args, (char *) "--clear-groups");
    }
  g_ptr_array_add (args, (char *) sandbox);
  g_ptr_array_add (args, (char *) "--policy");
  g_ptr_array_add (args, (char *) policy_path);
  g_ptr_array_add (args, (char *) "--report-fd");
  g_ptr_array_add (args, (char *) "3");
  g_ptr_array_add (args, (char *) "--");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  g_assert_cmpint (pipe2 (report_pipe, O_CLOEXEC), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Secrets the sandbox must keep out: a variable, an LD_* variable and
   * an open descriptor of the secret file. */
  g_subprocess_launcher_setenv (launcher, "DA_TEST_SECRET", f->marker, TRUE);
  g_subprocess_launcher_setenv (launcher, "LD_BIND_NOW", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "ALLOWED_VAR", "allowed-value", TRUE);
  g_subprocess_launcher_take_fd (launcher, report_pipe[1], 3);
  g_subprocess_launcher_take_fd (launcher, dup (f->leaked_fd), 5);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);

  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  while ((r = read (report_pipe[0], buf, sizeof buf)) > 0)
    g_string_append_len (report, buf, r);
  close (report_pipe[0]);

  g_assert_true (g_subprocess_get_if_exited (proc));
  result->status = g_subprocess_get_exit_status (proc);
  result->out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  result->out_len = g_bytes_get_size (out);
  result->err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "", g_bytes_get_size (err));
  result->report = g_string_free (g_steal_pointer (&report), FALSE);
}

void
sandbox_result_clear (SandboxResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
  g_clear_pointer (&result->report, g_free);
}
