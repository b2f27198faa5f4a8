/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The escape suite: attack probes run inside the real denoagents-sandbox
 * at every isolation level, as root and as an unprivileged user.  Each
 * attack must be blocked; the positive controls must work. */
#include "config.h"

#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sandbox-test-fixture.h"

static const char *const levels[] = { "strict", "moderate", "minimal" };
static const char *const user_names[] = { "root", "unprivileged" };

typedef enum
{
  CHECK_BLOCKED,   /* exit 0, no ESCAPED line */
  CHECK_CPU,       /* killed by SIGXCPU, reported */
  CHECK_FLOOD,     /* output capped, sandbox killed, reported */
  CHECK_WALL,      /* killed at wall_seconds, reported */
  CHECK_PYTHON,    /* python3 runs */
  CHECK_MEMORY,    /* a memory cgroup's OOM kill, reported, or the rlimits block */
} Check;

typedef struct
{
  const char *name;
  const char *probe;          /* in the probe folder; NULL: argv[0] is absolute */
  const char *args[6];        /* placeholders: {secret} {work} {marker} {hostpid} … */
  Check       check;
  const char *report;         /* a report line must contain this, or NULL */
} CaseDef;

static const CaseDef cases[] = {
  { "read-outside", "probe-read-outside", { "{secret}" }, CHECK_BLOCKED, NULL },
  { "symlink", "probe-symlink", { "{secret}", "{work}" }, CHECK_BLOCKED, NULL },
  { "hardlink", "probe-hardlink", { "{secret}", "{work}" }, CHECK_BLOCKED, NULL },
  { "proc", "probe-proc", { "{marker}", "{hostpid}", "{secret}" }, CHECK_BLOCKED, NULL },
  { "proc-sys", "probe-proc-sys", { NULL }, CHECK_BLOCKED, NULL },
  { "ptrace", "probe-ptrace", { "{hostpid}" }, CHECK_BLOCKED, "\"syscall\":\"ptrace\"" },
  { "io-uring", "probe-io-uring", { NULL }, CHECK_BLOCKED, "\"syscall\":\"io_uring_setup\"" },
  { "tiocsti", "probe-tiocsti", { NULL }, CHECK_BLOCKED, "\"syscall\":\"ioctl\"" },
  { "raw-socket", "probe-raw-socket", { NULL }, CHECK_BLOCKED, "\"syscall\":\"socket\"" },
  { "unix-abstract", "probe-unix", { "{abstract}" }, CHECK_BLOCKED, NULL },
  { "unix-path", "probe-unix", { "{unixpath}" }, CHECK_BLOCKED, NULL },
  { "net", "probe-net", { "{port}" }, CHECK_BLOCKED, NULL },
  { "namespaces", "probe-namespaces", { NULL }, CHECK_BLOCKED, "\"syscall\":\"unshare\"" },
  { "mount", "probe-mount", { "{work}" }, CHECK_BLOCKED, "\"syscall\":\"mount\"" },
  { "setuid", "probe-setuid", { "{setuid}" }, CHECK_BLOCKED, NULL },
  { "devices", "probe-devices", { "{work}" }, CHECK_BLOCKED, NULL },
  { "fds", "probe-fds", { NULL }, CHECK_BLOCKED, NULL },
  { "env", "probe-env", { "-absent", "DA_TEST_SECRET", "-absent", "LD_BIND_NOW",
                          "-present", "ALLOWED_VAR=allowed-value" }, CHECK_BLOCKED, NULL },
  { "signal", "probe-signal", { "{hostpid}" }, CHECK_BLOCKED, NULL },
  { "syscall-abi", "probe-syscall-abi", { NULL }, CHECK_BLOCKED, NULL },
  { "forkbomb", "probe-forkbomb", { NULL }, CHECK_BLOCKED, NULL },
  { "memory", "probe-memory", { NULL }, CHECK_MEMORY, "\"type\":\"memory\"" },
  { "filesize", "probe-filesize", { "{work}" }, CHECK_BLOCKED, NULL },
  { "cpu", "probe-cpu", { NULL }, CHECK_CPU, "\"limit\":\"cpu_seconds\"" },
  { "output-flood", "probe-flood", { NULL }, CHECK_FLOOD, "\"limit\":\"max_output_kb\"" },
  { "wall-clock", NULL, { "/bin/sleep", "60" }, CHECK_WALL, "\"limit\":\"wall_seconds\"" },
  { "allowed", "probe-allowed", { "{allowed}", "allowed-content", "{work}" }, CHECK_BLOCKED, NULL },
  { "python3", NULL, { "/usr/bin/python3", "-c",
                       "import os, sys; print('python ok', sys.version_info[0], os.environ['SET_VAR'])" },
    CHECK_PYTHON, NULL },
};

#define MAX_OUTPUT_KB 256

typedef struct
{
  const CaseDef *def;
  SandboxUser    user;
  guint          level;
} CaseData;

static char *
build_policy (SandboxUser  user,
              const char  *level,
              guint64      wall_seconds,
              guint64      cpu_seconds)
{
  SandboxFixture *f = sandbox_fixture_get ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  const char *reads[] = { "/usr", "/lib", "/lib64", "/bin", f->bin,
                          g_path_get_dirname (f->allowed), NULL, NULL };

  if (f->setuid[user] != NULL)
    reads[6] = g_path_get_dirname (f->setuid[user]);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "isolation");
  json_builder_add_string_value (b, level);
  json_builder_set_member_name (b, "fs");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "read");
  json_builder_begin_array (b);
  for (guint i = 0; reads[i] != NULL; i++)
    json_builder_add_string_value (b, reads[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "write");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, f->work[user]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "temp");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);

  if (strcmp (level, "moderate") == 0)
    {
      json_builder_set_member_name (b, "net");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "proxy_socket");
      json_builder_add_string_value (b, f->proxy_socket);
      json_builder_set_member_name (b, "allow");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "example.com");
      json_builder_end_array (b);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "env");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "allow");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "ALLOWED_VAR");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "set");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "SET_VAR");
  json_builder_add_string_value (b, "set-value");
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "resources");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "memory_mb");
  json_builder_add_int_value (b, 128);
  json_builder_set_member_name (b, "cpu_seconds");
  json_builder_add_int_value (b, (gint64) cpu_seconds);
  json_builder_set_member_name (b, "wall_seconds");
  json_builder_add_int_value (b, (gint64) wall_seconds);
  json_builder_set_member_name (b, "max_processes");
  json_builder_add_int_value (b, 32);
  json_builder_set_member_name (b, "max_file_mb");
  json_builder_add_int_value (b, 4);
  json_builder_set_member_name (b, "max_output_kb");
  json_builder_add_int_value (b, MAX_OUTPUT_KB);
  json_builder_end_object (b);
  json_builder_end_object (b);

  g_free ((char *) reads[5]);
  g_free ((char *) reads[6]);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  return sandbox_write_policy (json);
}

static char *
expand (const char  *arg,
        SandboxUser  user)
{
  SandboxFixture *f = sandbox_fixture_get ();

  if (strcmp (arg, "{secret}") == 0)
    return g_strdup (f->secret);
  if (strcmp (arg, "{work}") == 0)
    return g_strdup (f->work[user]);
  if (strcmp (arg, "{marker}") == 0)
    return g_strdup (f->marker);
  if (strcmp (arg, "{hostpid}") == 0)
    return g_strdup_printf ("%d", (int) getpid ());
  if (strcmp (arg, "{setuid}") == 0)
    return g_strdup (f->setuid[user]);
  if (strcmp (arg, "{port}") == 0)
    return g_strdup_printf ("%u", f->port);
  if (strcmp (arg, "{abstract}") == 0)
    return g_strdup (f->abstract);
  if (strcmp (arg, "{unixpath}") == 0)
    return g_strdup (f->unix_path);
  if (strcmp (arg, "{allowed}") == 0)
    return g_strdup (f->allowed);
  return g_strdup (arg);
}

/* Levels the kernel cannot provide must be refused (exit 125), and
 * their probes are then skipped, not passed. */
static gboolean
level_available (SandboxUser   user,
                 guint         level,
                 char        **reason)
{
  static int known[2][3];
  static char *why[2][3];

  if (known[user][level] == 0)
    {
      g_autofree char *policy = build_policy (user, levels[level], 30, 10);
      const char *argv[] = { "/bin/true", NULL };
      SandboxResult res;

      sandbox_run (user, policy, argv, &res);
      if (res.status == 0)
        known[user][level] = 1;
      else
        {
          g_assert_cmpint (res.status, ==, 125);
          known[user][level] = 2;
          why[user][level] = g_strstrip (g_strdup (res.err));
        }
      sandbox_result_clear (&res);
    }
  *reason = why[user][level];
  return known[user][level] == 1;
}

static void
run_case (gconstpointer data)
{
  const CaseData *cd = data;
  const CaseDef *def = cd->def;
  SandboxFixture *f = sandbox_fixture_get ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *policy = NULL;
  const char *reason = NULL;
  char *level_reason = NULL;
  SandboxResult res;

  if (!sandbox_user_usable (cd->user, &reason))
    {
      g_test_skip (reason);
      return;
    }
  if (!level_available (cd->user, cd->level, &level_reason))
    {
      g_autofree char *msg = g_strdup_printf ("isolation %s is refused here: %s",
                                              levels[cd->level], level_reason);
      g_test_skip (msg);
      return;
    }
  if (strcmp (def->name, "setuid") == 0 && f->setuid[cd->user] == NULL)
    {
      g_test_skip ("making a set-user-ID file owned by another user needs root");
      return;
    }

  policy = build_policy (cd->user, levels[cd->level], def->check == CHECK_WALL ? 1 : 30,
                         def->check == CHECK_CPU ? 1 : 10);
  g_ptr_array_add (argv, def->probe ? g_build_filename (f->bin, def->probe, NULL) : expand (def->args[0], cd->user));
  for (guint i = def->probe ? 0 : 1; i < G_N_ELEMENTS (def->args) && def->args[i] != NULL; i++)
    g_ptr_array_add (argv, expand (def->args[i], cd->user));
  g_ptr_array_add (argv, NULL);

  sandbox_run (cd->user, policy, (const char *const *) argv->pdata, &res);
  g_test_message ("exit %d\nstdout: %.4000s\nstderr: %.2000s\nreport: %.2000s",
                  res.status, def->check == CHECK_FLOOD ? "(flood)" : res.out, res.err, res.report);

  switch (def->check)
    {
    case CHECK_BLOCKED:
      g_assert_cmpint (res.status, ==, 0);
      g_assert_null (strstr (res.out, "ESCAPED"));
      g_assert_true (strstr (res.out, "blocked:") != NULL || strstr (res.out, "ok:") != NULL);
      break;
    case CHECK_CPU:
      g_assert_cmpint (res.status, ==, 128 + SIGXCPU);
      g_assert_null (strstr (res.out, "ESCAPED"));
      break;
    case CHECK_FLOOD:
      g_assert_cmpuint (res.out_len, <=, MAX_OUTPUT_KB * 1024);
      g_assert_cmpuint (res.out_len, >, 0);
      g_assert_cmpint (res.status, ==, 128 + SIGKILL);
      break;
    case CHECK_WALL:
      g_assert_cmpint (res.status, ==, 128 + SIGKILL);
      break;
    case CHECK_MEMORY:
      g_assert_null (strstr (res.out, "ESCAPED"));
      if (strstr (res.report, "\"enforced_by\":\"cgroup") != NULL)
        {
          /* The whole sandbox has memory_mb; the OOM killer ends the probe. */
          g_assert_cmpint (res.status, ==, 128 + SIGKILL);
          g_assert_nonnull (strstr (res.report, "\"limit\":\"memory_mb\""));
        }
      else
        {
          g_assert_cmpint (res.status, ==, 0);
          g_assert_nonnull (strstr (res.out, "blocked:"));
          g_assert_nonnull (strstr (res.report, "\"enforced_by\":\"RLIMIT_AS"));
        }
      /* Root gets the cgroup wherever the kernel offers a memory
       * controller. */
      if (cd->user == USER_ROOT && g_file_test ("/sys/fs/cgroup/memory", G_FILE_TEST_IS_DIR))
        g_assert_nonnull (strstr (res.report, "\"enforced_by\":\"cgroup"));
      break;
    case CHECK_PYTHON:
      g_assert_cmpint (res.status, ==, 0);
      g_assert_cmpstr (res.out, ==, "python ok 3 set-value\n");
      break;
    default:
      g_assert_not_reached ();
    }
  if (def->report != NULL)
    g_assert_nonnull (strstr (res.report, def->report));

  sandbox_result_clear (&res);
}

/* moderate: a request to the proxy port inside reaches the application's
 * proxy on its unix socket outside, and HTTP_PROXY points there. */
static void
test_bridge (gconstpointer data)
{
  SandboxUser user = GPOINTER_TO_INT (data);
  g_autofree char *policy = NULL;
  const char *reason = NULL;
  char *level_reason = NULL;
  SandboxResult res;
  const char *argv[] = {
    "/usr/bin/python3", "-c",
    "import os, socket\n"
    "url = os.environ['HTTP_PROXY']\n"
    "assert os.environ['https_proxy'] == url\n"
    "host, port = url[len('http://'):].split(':')\n"
    "s = socket.create_connection((host, int(port)))\n"
    "s.sendall(b'GET http://example.com/ HTTP/1.0\\r\\nHost: example.com\\r\\n\\r\\n')\n"
    "data = b''\n"
    "while True:\n"
    "    chunk = s.recv(4096)\n"
    "    if not chunk: break\n"
    "    data += chunk\n"
    "print(url, data.decode().split('\\r\\n\\r\\n', 1)[1], end='')\n",
    NULL,
  };

  if (!sandbox_user_usable (user, &reason))
    {
      g_test_skip (reason);
      return;
    }
  if (!level_available (user, 1, &level_reason))
    {
      g_test_skip (level_reason);
      return;
    }
  policy = build_policy (user, "moderate", 30, 10);
  sandbox_run (user, policy, argv, &res);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", res.status, res.out, res.err);
  g_assert_cmpint (res.status, ==, 0);
  g_assert_cmpstr (res.out, ==, "http://127.0.0.1:3128 proxied GET http://example.com/ HTTP/1.0\n");
  sandbox_result_clear (&res);
}

static void
write_owned (const char  *path,
             const char  *content,
             SandboxUser  user)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, content, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  if (geteuid () == 0 && user == USER_UNPRIVILEGED)
    g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
}

static void
make_owned_dir (const char  *path,
                SandboxUser  user)
{
  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  if (geteuid () == 0 && user == USER_UNPRIVILEGED)
    g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
}

/* Binds nested in binds of the other kind: a read-write file and a
 * read-write folder inside a read-only folder, a read-only folder inside
 * a read-write one.  The more specific path decides (with namespaces;
 * in minimal Landlock adds rights along the path, so the read-only
 * folder inside a read-write one stays writable, as documented). */
static void
test_nested (gconstpointer data)
{
  const CaseData *cd = data;
  SandboxFixture *f = sandbox_fixture_get ();
  g_autofree char *top = g_strdup_printf ("%s/nested-%s", f->work[cd->user], levels[cd->level]);
  g_autofree char *ro = g_build_filename (top, "ro", NULL);
  g_autofree char *ro_file = g_build_filename (ro, "file", NULL);
  g_autofree char *ro_sub = g_build_filename (ro, "sub", NULL);
  g_autofree char *rw = g_build_filename (top, "rw", NULL);
  g_autofree char *rw_ro = g_build_filename (rw, "rosub", NULL);
  g_autofree char *rw_ro_file = g_build_filename (rw_ro, "f", NULL);
  g_autofree char *json = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *script = NULL;
  g_autofree char *content = NULL;
  const char *reason = NULL;
  char *level_reason = NULL;
  gboolean namespaces = cd->level != 2;
  SandboxResult res;

  if (!sandbox_user_usable (cd->user, &reason))
    {
      g_test_skip (reason);
      return;
    }
  if (!level_available (cd->user, cd->level, &level_reason))
    {
      g_test_skip (level_reason);
      return;
    }

  make_owned_dir (ro_sub, cd->user);
  make_owned_dir (ro, cd->user);
  make_owned_dir (rw_ro, cd->user);
  make_owned_dir (rw, cd->user);
  make_owned_dir (top, cd->user);
  write_owned (ro_file, "a\n", cd->user);
  write_owned (rw_ro_file, "b\n", cd->user);

  /* Written in an order where a plain walk would bind the read-only
   * parents first and then fail to make the nested mount points. */
  json = g_strdup_printf ("{\"isolation\":\"%s\",\"fs\":{"
                          "\"read\":[\"/usr\",\"/lib\",\"/lib64\",\"/bin\",\"%s\",\"%s\"],"
                          "\"write\":[\"%s\",\"%s\",\"%s\"]}}",
                          levels[cd->level], ro, rw_ro, ro_file, ro_sub, rw);
  policy = sandbox_write_policy (json);
  script = g_strdup_printf ("echo x >> %s && echo w-ro-file; "
                            "touch %s/n && echo w-ro-sub; "
                            "touch %s/new 2>/dev/null && echo w-ro; "
                            "touch %s/new && echo w-rw; "
                            "touch %s/n 2>/dev/null && echo w-rw-ro; "
                            "cat %s %s",
                            ro_file, ro_sub, ro, rw, rw_ro, ro_file, rw_ro_file);
  {
    const char *argv[] = { "/bin/sh", "-c", script, NULL };

    sandbox_run (cd->user, policy, argv, &res);
  }
  g_test_message ("exit %d\nstdout: %s\nstderr: %s\nreport: %s", res.status, res.out, res.err, res.report);
  g_assert_cmpint (res.status, ==, 0);
  if (namespaces)
    g_assert_cmpstr (res.out, ==, "w-ro-file\nw-ro-sub\nw-rw\na\nx\nb\n");
  else
    g_assert_cmpstr (res.out, ==, "w-ro-file\nw-ro-sub\nw-rw\nw-rw-ro\na\nx\nb\n");
  g_file_get_contents (ro_file, &content, NULL, NULL);
  g_assert_cmpstr (content, ==, "a\nx\n");
  {
    g_autofree char *created = g_build_filename (ro, "new", NULL);

    g_assert_false (g_file_test (created, G_FILE_TEST_EXISTS));
  }
  sandbox_result_clear (&res);
}

/* Sets the kernel's audit "enabled" flag; the previous value, or -1. */
static int
set_audit_enabled (guint32 enabled)
{
  struct {
    struct nlmsghdr     h;
    struct audit_status st;
  } req;
  struct {
    struct nlmsghdr     h;
    struct audit_status st;
  } reply;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  int previous = -1;

  if (fd < 0)
    return -1;
  memset (&req, 0, sizeof req);
  req.h.nlmsg_len = NLMSG_LENGTH (0);
  req.h.nlmsg_type = AUDIT_GET;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  if (sendto (fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) > 0 &&
      recv (fd, &reply, sizeof reply, 0) > (ssize_t) NLMSG_HDRLEN && reply.h.nlmsg_type == AUDIT_GET)
    previous = (int) reply.st.enabled;
  if (previous >= 0 && (guint32) previous != enabled)
    {
      memset (&req, 0, sizeof req);
      req.h.nlmsg_len = NLMSG_LENGTH (sizeof req.st);
      req.h.nlmsg_type = AUDIT_SET;
      req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
      req.st.mask = AUDIT_STATUS_ENABLED;
      req.st.enabled = enabled;
      if (sendto (fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0 ||
          recv (fd, &reply, sizeof reply, 0) < 0)
        previous = -1;
    }
  close (fd);
  return previous;
}

/* A read outside the policy in minimal is refused by Landlock alone; as
 * root with the kernel's audit enabled the denial is reported with its
 * path and access right.  Where it cannot be observed the reports say
 * so once.  DA_SANDBOX_TEST_AUDIT=1 turns the kernel's audit on for the
 * length of this test (and back off), as a machine-wide change it is not
 * made otherwise. */
static void
test_landlock_report (gconstpointer data)
{
  SandboxUser user = GPOINTER_TO_INT (data);
  SandboxFixture *f = sandbox_fixture_get ();
  g_autofree char *policy = NULL;
  g_autofree char *probe = g_build_filename (f->bin, "probe-read-outside", NULL);
  g_autofree char *expected = NULL;
  const char *argv[] = { probe, f->secret, NULL };
  const char *reason = NULL;
  char *level_reason = NULL;
  const char *notice;
  int previous = -1;
  SandboxResult res;

  if (!sandbox_user_usable (user, &reason))
    {
      g_test_skip (reason);
      return;
    }
  if (!level_available (user, 2, &level_reason))
    {
      g_test_skip (level_reason);
      return;
    }
  if (user == USER_ROOT && g_strcmp0 (g_getenv ("DA_SANDBOX_TEST_AUDIT"), "1") == 0)
    previous = set_audit_enabled (1);

  policy = build_policy (user, "minimal", 30, 10);
  sandbox_run (user, policy, argv, &res);
  if (previous == 0)
    set_audit_enabled (0);
  g_test_message ("exit %d\nstdout: %s\nreport: %s", res.status, res.out, res.report);
  g_assert_cmpint (res.status, ==, 0);
  g_assert_null (strstr (res.out, "ESCAPED"));

  notice = strstr (res.report, "landlock denials not observable: ");
  if (notice != NULL)
    {
      /* Said once, with a reason, and no denial pretended. */
      g_assert_null (strstr (notice + 1, "landlock denials not observable"));
      g_assert_null (strstr (res.report, "\"type\":\"landlock\""));
      if (user == USER_UNPRIVILEGED)
        g_assert_nonnull (strstr (notice, "needs root"));
      else
        {
          g_autofree char *msg = g_strdup_printf ("Landlock denials are not observable here (%.*s)",
                                                  (int) (strchr (notice, '"') - notice), notice);
          g_test_skip (msg);
        }
      sandbox_result_clear (&res);
      return;
    }

  g_assert_cmpint (user, ==, USER_ROOT);
  expected = g_strdup_printf ("{\"type\":\"landlock\",\"access\":\"fs.read_file\",\"path\":\"%s\"}", f->secret);
  g_assert_nonnull (strstr (res.report, expected));
  sandbox_result_clear (&res);
}

static void
test_exit_status (gconstpointer data)
{
  guint level = GPOINTER_TO_UINT (data);
  g_autofree char *policy = NULL;
  char *level_reason = NULL;
  const char *exit42[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 42", NULL };
  const char *term[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
  const char *missing[] = { "/no/such/command", NULL };
  SandboxResult res;

  if (!level_available (USER_UNPRIVILEGED, level, &level_reason) &&
      !level_available (USER_ROOT, level, &level_reason))
    {
      g_test_skip (level_reason);
      return;
    }
  policy = build_policy (geteuid () == 0 ? USER_ROOT : USER_UNPRIVILEGED, levels[level], 30, 10);

  sandbox_run (USER_ROOT, policy, exit42, &res);
  g_assert_cmpint (res.status, ==, 42);
  g_assert_cmpstr (res.out, ==, "out\n");
  g_assert_cmpstr (res.err, ==, "err\n");
  sandbox_result_clear (&res);

  sandbox_run (USER_ROOT, policy, term, &res);
  g_assert_cmpint (res.status, ==, 128 + SIGTERM);
  sandbox_result_clear (&res);

  sandbox_run (USER_ROOT, policy, missing, &res);
  g_assert_cmpint (res.status, ==, 127);
  g_assert_nonnull (strstr (res.err, "/no/such/command"));
  sandbox_result_clear (&res);
}

/* Finds a process whose command line is exactly argv (pid or 0). */
static pid_t
find_process (const char *const *argv)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr(GString) want = g_string_new (NULL);
  const char *name;

  for (guint i = 0; argv[i] != NULL; i++)
    g_string_append_len (want, argv[i], (gssize) strlen (argv[i]) + 1);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/cmdline", name);
      g_autofree char *cmdline = NULL;
      gsize len;

      if (g_ascii_isdigit (name[0]) &&
          g_file_get_contents (path, &cmdline, &len, NULL) &&
          len == want->len && memcmp (cmdline, want->str, len) == 0)
        return (pid_t) g_ascii_strtoll (name, NULL, 10);
    }
  return 0;
}

/* Polls for a condition a bounded number of times; the bound only keeps
 * a broken sandbox from hanging the suite. */
static gboolean
wait_for_process (const char *const *argv,
                  gboolean            present)
{
  for (guint i = 0; i < 2000; i++)
    {
      if ((find_process (argv) != 0) == present)
        return TRUE;
      g_usleep (5000);
    }
  return FALSE;
}

/* The whole sandbox goes when the monitor is killed outright (the
 * application crashed) or asked to stop. */
static void
test_monitor_gone (gconstpointer data)
{
  guint level = GPOINTER_TO_UINT (data);
  g_autofree char *policy = NULL;
  g_autofree char *tag = g_strdup_printf ("%u", 100000 + g_random_int_range (0, 800000));
  const char *tool[] = { "/bin/sleep", tag, NULL };
  char *level_reason = NULL;
  SandboxUser user = geteuid () == 0 ? USER_ROOT : USER_UNPRIVILEGED;

  if (!level_available (user, level, &level_reason))
    {
      g_test_skip (level_reason);
      return;
    }
  policy = build_policy (user, levels[level], 60, 10);

  for (int round = 0; round < 2; round++)
    {
      const char *argv[] = { g_getenv ("DA_SANDBOX_PATH"), "--policy", policy, "--", "/bin/sleep", tag, NULL };
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      int sig = round == 0 ? SIGKILL : SIGTERM;

      proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
      g_assert_no_error (error);
      g_assert_true (wait_for_process (tool, TRUE));
      g_subprocess_send_signal (proc, sig);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);
      if (sig == SIGTERM)
        {
          g_assert_true (g_subprocess_get_if_exited (proc));
          g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 128 + SIGTERM);
        }
      g_assert_true (wait_for_process (tool, FALSE));
    }
}

/* Killed at any moment while it starts (a tool cancelled at once): the
 * parent-death signal is armed only after the fork, so a monitor killed
 * before that must still take everything with it. The kill lands at
 * random points of the start-up; no tool may be left behind. */
static void
test_killed_starting (gconstpointer data)
{
  guint level = GPOINTER_TO_UINT (data);
  g_autofree char *policy = NULL;
  g_autofree char *tag = g_strdup_printf ("%u", 100000 + g_random_int_range (0, 800000));
  const char *tool[] = { "/bin/sleep", tag, NULL };
  char *level_reason = NULL;
  SandboxUser user = geteuid () == 0 ? USER_ROOT : USER_UNPRIVILEGED;

  if (!level_available (user, level, &level_reason))
    {
      g_test_skip (level_reason);
      return;
    }
  policy = build_policy (user, levels[level], 60, 10);

  for (int round = 0; round < 400; round++)
    {
      const char *argv[] = { g_getenv ("DA_SANDBOX_PATH"), "--policy", policy, "--", "/bin/sleep", tag, NULL };
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;

      proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_usleep ((gulong) g_random_int_range (0, 4000));
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);
    }
  /* Whatever survived has had time to exec the tool by now. */
  g_usleep (300000);
  g_assert_true (wait_for_process (tool, FALSE));
}

static void
test_setup_errors (void)
{
  static const char *const bad[] = {
    "{\"isolation\":\"strict\",\"fs\":{\"exec\":[\"/bin\"]}}",
    "{\"env\":{\"allow\":[\"LD_PRELOAD\"]}}",
    "{\"cwd\":\"/no/such/dir\",\"fs\":{\"read\":[\"/usr\",\"/lib\",\"/lib64\",\"/bin\"]}}",
    "not json",
  };
  const char *argv[] = { "/bin/true", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *policy = sandbox_write_policy (bad[i]);
      SandboxResult res;
      char *nl;

      sandbox_run (USER_ROOT, policy, argv, &res);
      g_test_message ("%s → %d %s", bad[i], res.status, res.err);
      g_assert_cmpint (res.status, ==, 125);
      /* One line, naming the helper. */
      g_assert_true (g_str_has_prefix (res.err, "denoagents-sandbox: "));
      nl = strchr (res.err, '\n');
      g_assert_nonnull (nl);
      g_assert_cmpstr (nl + 1, ==, "");
      g_assert_nonnull (strstr (res.report, "\"type\":\"error\""));
      sandbox_result_clear (&res);
    }

  {
    const char *args[] = { "/bin/true", NULL };
    SandboxResult res;

    sandbox_run (USER_ROOT, "/no/such/policy.json", args, &res);
    g_assert_cmpint (res.status, ==, 125);
    sandbox_result_clear (&res);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func (g_free);
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* Every probe runs even after one fails, so a run shows all escapes. */
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/sandbox/contract/setup-errors", test_setup_errors);
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/contract/%s/exit-status", levels[l]);
      g_test_add_data_func (path, GUINT_TO_POINTER (l), test_exit_status);
    }
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/contract/%s/monitor-gone", levels[l]);
      g_test_add_data_func (path, GUINT_TO_POINTER (l), test_monitor_gone);
    }
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/contract/%s/killed-starting", levels[l]);
      g_test_add_data_func (path, GUINT_TO_POINTER (l), test_killed_starting);
    }
  for (int u = 0; u < 2; u++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/bridge/%s", user_names[u]);
      g_test_add_data_func (path, GINT_TO_POINTER (u), test_bridge);
    }
  for (int u = 0; u < 2; u++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/landlock-report/%s", user_names[u]);
      g_test_add_data_func (path, GINT_TO_POINTER (u), test_landlock_report);
    }

  for (int u = 0; u < 2; u++)
    for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
      {
        CaseData *cd = g_new0 (CaseData, 1);
        g_autofree char *path = g_strdup_printf ("/sandbox/nested/%s/%s", user_names[u], levels[l]);

        cd->user = (SandboxUser) u;
        cd->level = l;
        g_ptr_array_add (data, cd);
        g_test_add_data_func (path, cd, test_nested);
      }

  for (int u = 0; u < 2; u++)
    for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          CaseData *cd = g_new0 (CaseData, 1);
          g_autofree char *path = g_strdup_printf ("/sandbox/escape/%s/%s/%s",
                                                   user_names[u], levels[l], cases[c].name);

          cd->def = &cases[c];
          cd->user = (SandboxUser) u;
          cd->level = l;
          g_ptr_array_add (data, cd);
          g_test_add_data_func (path, cd, run_case);
        }

  ret = g_test_run ();
  sandbox_fixture_free ();
  return ret;
}
