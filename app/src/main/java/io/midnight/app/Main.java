package io.midnight.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code midnight} command. */
@Command(name = "midnight", mixinStandardHelpOptions = true, version = "midnight 0.1.0",
  description = {"Midnight: a chat server built for the New Year's-midnight message spike.", ""},
  subcommands = {ServeCommand.class, LoadCommand.class, ProtocolEchoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
