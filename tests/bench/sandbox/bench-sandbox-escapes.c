/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs the escape probes that matter most under denoagents-sandbox
 * (strict) and under bubblewrap configured as strictly as it can be, as
 * root and as nobody, and prints which attacks each lets through.  A
 * figure, not an assertion: the escape suite asserts our side. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#define OUTPUT_KB 256

static const struct {
  const char *probe;
  const char *arg;
} probes[] = {
  { "probe-namespaces", NULL },
  { "probe-io-uring", NULL },
  { "probe-syscall-abi", NULL },
  { "probe-forkbomb", NULL },
  { "probe-flood", NULL },
  { "probe-proc-sys", NULL },
  { "probe-fds", NULL },
  { "probe-tiocsti", NULL },
  { "probe-ptrace", "1" },
  { "probe-raw-socket", NULL },
};

/* "blocked", "ESCAPED" or "error" */
static const char *
run (GPtrArray *prefix,
     const char *probe_dir,
     guint       i,
     int         leak_fd)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean flood = strcmp (probes[i].probe, "probe-flood") == 0;

  for (guint k = 0; k < prefix->len; k++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (prefix, k)));
  g_ptr_array_add (argv, g_build_filename (probe_dir, probes[i].probe, NULL));
  if (probes[i].arg != NULL)
    g_ptr_array_add (argv, g_strdup (probes[i].arg));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_fd (launcher, dup (leak_fd), 5);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (proc == NULL || !g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error))
    return "error";

  if (flood)
    return g_bytes_get_size (out) > OUTPUT_KB * 1024 ? "ESCAPED" : "blocked";
  text = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  if (strstr (text, "ESCAPED") != NULL)
    return "ESCAPED";
  if (g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 0 &&
      strstr (text, "blocked") != NULL)
    return "blocked";
  return "error";
}

int
main (void)
{
  const char *sandbox = g_getenv ("DA_SANDBOX_PATH");
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *probe_dir = NULL;
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  g_autofree char *setpriv = g_find_program_in_path ("setpriv");
  g_autofree char *dir = g_dir_make_tmp ("da-sandbox-escapes-XXXXXX", NULL);
  g_autofree char *policy = NULL;
  g_autofree char *json = NULL;
  int leak_fd;

  if (sandbox == NULL || builddir == NULL || dir == NULL)
    {
      fprintf (stderr, "needs DA_SANDBOX_PATH and G_TEST_BUILDDIR\n");
      return 1;
    }
  probe_dir = g_build_filename (builddir, "sandbox", "probes", NULL);
  chmod (dir, 0755);
  policy = g_build_filename (dir, "policy.json", NULL);
  json = g_strdup_printf ("{\"isolation\":\"strict\",\"fs\":{\"read\":[\"/usr\",\"/lib\",\"/lib64\",\"/bin\",\"%s\"],\"temp\":true},"
                          "\"resources\":{\"max_processes\":32,\"max_output_kb\":%d}}", probe_dir, OUTPUT_KB);
  g_file_set_contents (policy, json, -1, NULL);
  chmod (policy, 0644);
  leak_fd = open (policy, O_RDONLY);

  printf ("%-20s", "probe");
  for (int user = 0; user < 2; user++)
    printf (" %-14s %-14s", user == 0 ? "ours (root)" : "ours (nobody)", user == 0 ? "bwrap (root)" : "bwrap (nobody)");
  printf ("\n");

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      printf ("%-20s", probes[i].probe + 6);
      for (int user = 0; user < 2; user++)
        for (int who = 0; who < 2; who++)
          {
            g_autoptr(GPtrArray) prefix = g_ptr_array_new ();
            const char *verdict = "n/a";

            if (user == 0 && geteuid () != 0)
              goto print;
            if (user == 1 && geteuid () == 0)
              {
                if (setpriv == NULL)
                  goto print;
                g_ptr_array_add (prefix, setpriv);
                g_ptr_array_add (prefix, (char *) "--reuid=65534");
                g_ptr_array_add (prefix, (char *) "--regid=65534");
                g_ptr_array_add (prefix, (char *) "--clear-groups");
              }
            if (who == 0)
              {
                g_ptr_array_add (prefix, (char *) sandbox);
                g_ptr_array_add (prefix, (char *) "--policy");
                g_ptr_array_add (prefix, policy);
                g_ptr_array_add (prefix, (char *) "--");
              }
            else
              {
                static const char *const opts[] = {
                  "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
                  "--ro-bind", "/usr", "/usr", "--ro-bind", "/lib", "/lib",
                  "--ro-bind", "/lib64", "/lib64", "--ro-bind", "/bin", "/bin",
                  "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                  "--clearenv", "--cap-drop", "ALL",
                };

                if (bwrap == NULL)
                  goto print;
                g_ptr_array_add (prefix, bwrap);
                for (guint k = 0; k < G_N_ELEMENTS (opts); k++)
                  g_ptr_array_add (prefix, (char *) opts[k]);
                g_ptr_array_add (prefix, (char *) "--ro-bind");
                g_ptr_array_add (prefix, probe_dir);
                g_ptr_array_add (prefix, probe_dir);
              }
            verdict = run (prefix, probe_dir, i, leak_fd);
          print:
            printf (" %-14s", verdict);
          }
      printf ("\n");
      fflush (stdout);
    }

  close (leak_fd);
  unlink (policy);
  rmdir (dir);
  return 0;
}
