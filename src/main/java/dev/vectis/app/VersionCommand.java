package dev.vectis.app;

import dev.vectis.config.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version.")
public final class VersionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("vectis " + BuildInfo.version());
        return 0;
    }
}
