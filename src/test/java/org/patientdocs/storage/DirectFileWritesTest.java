package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import com.sun.nio.file.ExtendedOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectFileWritesTest {

    @TempDir
    Path dir;

    private int blockSize;

    /** The temporary directory's block size, for the tests that need direct writes there. */
    private void needsDirectWrites() {
        blockSize = DirectFileWrites.blockSize(dir);
        assumeTrue(blockSize > 0, "the temporary directory's file system takes no direct writes");
    }

    @Test
    void writesOfAnySizeLandInOrder() throws IOException {
        needsDirectWrites();
        byte[] content = ContentSpoolTest.randomBytes(3 * DirectFileWrites.BUFFER_SIZE + 3 * blockSize + 5);
        // pieces that end inside a block, on a block, on the buffer's end and past it
        int[] pieces = {1, blockSize - 1, 7, DirectFileWrites.BUFFER_SIZE, 2 * blockSize + 3,
            DirectFileWrites.BUFFER_SIZE - 11};
        Path file = dir.resolve("document");
        try (FileChannel channel = openDirect(file)) {
            DirectFileWrites writes = DirectFileWrites.into(channel, blockSize);
            int at = 0;
            for (int i = 0; at < content.length; i++) {
                int length = Math.min(pieces[i % pieces.length], content.length - at);
                ByteBuffer piece = ByteBuffer.wrap(content, at, length);
                assertEquals(length, writes.write(piece));
                assertEquals(0, piece.remaining());
                at += length;
            }
            writes.close();
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    void aFileOfWholeBlocksAndAnEmptyFileAreKeptExactly() throws IOException {
        needsDirectWrites();
        for (int size : new int[] {0, blockSize, DirectFileWrites.BUFFER_SIZE}) {
            byte[] content = ContentSpoolTest.randomBytes(size);
            Path file = dir.resolve("document-" + size);
            try (FileChannel channel = openDirect(file)) {
                DirectFileWrites writes = DirectFileWrites.into(channel, blockSize);
                writes.write(ByteBuffer.wrap(content));
                writes.close();
            }
            assertArrayEquals(content, Files.readAllBytes(file), size + " bytes");
        }
    }

    @Test
    void nothingIsWrittenAfterClosing() throws IOException {
        needsDirectWrites();
        Path file = dir.resolve("document");
        try (FileChannel channel = openDirect(file)) {
            DirectFileWrites writes = DirectFileWrites.into(channel, blockSize);
            writes.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            writes.close();
            writes.close();
            assertThrows(ClosedChannelException.class, () -> writes.write(ByteBuffer.wrap(new byte[] {4})));
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    }

    @Test
    void aWriteThatFailsOnTheWorkerFailsTheNextCall() throws IOException {
        needsDirectWrites();
        Path file = dir.resolve("document");
        FileChannel channel = openDirect(file);
        DirectFileWrites writes = DirectFileWrites.into(channel, blockSize);
        channel.close();
        // the first full buffer goes to the worker, which fails; the second waits for it and reports it
        writes.write(ByteBuffer.wrap(new byte[DirectFileWrites.BUFFER_SIZE]));
        assertThrows(ClosedChannelException.class,
                () -> writes.write(ByteBuffer.wrap(new byte[DirectFileWrites.BUFFER_SIZE])));
        assertThrows(ClosedChannelException.class, writes::close, "closing reports it too, and lets go of the buffers");
        writes.close();
    }

    @Test
    void aDirectoryThatCannotBeProbedTakesNoDirectWrites() {
        assertEquals(0, DirectFileWrites.blockSize(dir.resolve("missing")));
    }

    private static FileChannel openDirect(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT));
    }
}
