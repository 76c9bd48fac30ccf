package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingWriterTest {

    @TempDir
    Path dir;

    @Test
    void chunksAreWrittenAndHashedInTheOrderGiven() throws Exception {
        byte[] first = ContentSpoolTest.randomBytes(1000);
        byte[] second = ContentSpoolTest.randomBytes(2000);
        byte[] last = ContentSpoolTest.randomBytes(300);
        Path file = dir.resolve("upload");
        byte[] sha256;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            HashingWriter writer = new HashingWriter(channel, channel, true);
            writer.write(first, first.length);
            writer.write(second, 1500);
            sha256 = writer.finish(last, last.length);
        }
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(first);
        expected.update(second, 0, 1500);
        expected.update(last);
        assertArrayEquals(expected.digest(), sha256);
        byte[] written = Files.readAllBytes(file);
        assertArrayEquals(first, Arrays.copyOfRange(written, 0, 1000));
        assertArrayEquals(Arrays.copyOf(second, 1500), Arrays.copyOfRange(written, 1000, 2500));
        assertArrayEquals(last, Arrays.copyOfRange(written, 2500, 2800));
    }

    @Test
    void aFailedWriteOnTheWorkerReachesTheNextCall() throws IOException {
        FileChannel closed = closedChannel();
        HashingWriter writer = new HashingWriter(closed, closed, false);
        writer.write(new byte[10], 10);
        assertThrows(ClosedChannelException.class, () -> writer.finish(new byte[10], 10));
    }

    @Test
    void abandoningKeepsTheCallersFailureAndAddsTheWorkers() throws IOException {
        FileChannel closed = closedChannel();
        HashingWriter writer = new HashingWriter(closed, closed, true);
        writer.write(new byte[10], 10);
        IOException clientWentAway = new IOException("client went away");
        writer.abandon(clientWentAway);
        assertEquals(1, clientWentAway.getSuppressed().length);
        assertInstanceOf(ClosedChannelException.class, clientWentAway.getSuppressed()[0]);
    }

    /** A channel whose every write fails, as a disk that went away would make it. */
    private FileChannel closedChannel() throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve("upload"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        channel.close();
        return channel;
    }
}
