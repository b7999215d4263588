namespace MLNet.Recurrent.Core.Internals;

/// <summary>
/// Writes a file so that a reader, or a process that restarts after a crash, finds either the old contents or the
/// new ones, never a torn mix: the bytes go to a temporary file in the same folder, are flushed to disk, and the
/// temporary file is then renamed over the target (an atomic replace on POSIX file systems and NTFS).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes; on failure the old file is untouched and no temporary file is left.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole new contents to the stream it is given.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary); // no-op when it was never created
            throw;
        }
    }
}
