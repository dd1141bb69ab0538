package dev.fencedstate.file.process;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child JVM that holds the OS lock of one lock file, as a writer in the middle of a commit does, until it is killed
 * (the kernel then releases the lock). Arguments: {@code lockFile}. Protocol: {@code LOCKED}, once the lock is held.
 */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.run(protocol -> {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                protocol.emit("LOCKED", lock.isValid());
                protocol.await("RELEASE");
            }
        });
    }
}
