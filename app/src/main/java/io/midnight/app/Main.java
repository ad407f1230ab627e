package io.midnight.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code midnight} command. */
@Command(name = "midnight", mixinStandardHelpOptions = true, version = "midnight 0.1.0",
  description = {"Midnight: a chat server built for the New Year's-midnight message spike.", ""},
  subcommands = {ServeCommand.class, RunCommand.class, LoadCommand.class, LoadWorkerCommand.class, ProtocolEchoCommand.class,
    ClusterCertsCommand.class, VerifyCommand.class, BackupCommand.class, RestoreCommand.class,
    BenchCommand.class,
    CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--data", paramLabel = "DIR",
    description = "the menu's server keeps its data here (default: a temporary directory, removed on exit)")
  Path data;

  /** No command: the menu on a terminal; elsewhere (CI, a pipe) never block, say how to run without it. */
  @Override
  public void run() {
    if (System.console() == null) {
      System.out.println("midnight: no terminal, so no menu. Run a load test with './midnight load --preset quick'"
        + " (or medium, strong, extreme, mega, ultra), or the server with './midnight serve'.");
      System.out.println();
      spec.commandLine().usage(System.out);
      return;
    }
    try {
      exitCode = new Menu(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out)
        .run(data);
    } catch (Exception e) {
      System.err.println("midnight: " + e.getMessage());
      exitCode = 1;
    }
  }

  private int exitCode;

  /**
   * Netty lets a loop run queued tasks for up to 1 s before it reads and flushes again; a loop fanning out a
   * midnight then runs its timers and acks ~2 s late. 100 ms (Netty's floor) keeps it near 0.5 s
   * (gateway/README.md, "Overload"). Set before any event loop class loads; a -D on the command line wins.
   */
  static final String TASK_QUANTUM = "io.netty.eventLoop.maxTaskProcessingQuantumMs";

  public static void main(String[] args) {
    if (System.getProperty(TASK_QUANTUM) == null) {
      System.setProperty(TASK_QUANTUM, "100");
    }
    Main main = new Main();
    int code = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code != 0 ? code : main.exitCode);
  }
}
