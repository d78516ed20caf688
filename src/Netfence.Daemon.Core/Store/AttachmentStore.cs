using Microsoft.Data.Sqlite;

namespace Netfence.Daemon.Store;

/// <summary>
/// netfenced's persistent state: every attachment and its full rule state, in one SQLite file
/// (<see cref="FileName"/>) under the data directory, in WAL mode with full fsync on commit. A restart
/// must restore exactly what was enforced (pitfall 10), so every change is one transaction and an
/// unreadable file is an error, never a reason to start empty.
/// </summary>
/// <remarks>
/// One connection is shared and serialised by a lock: writes are short, and SQLite allows one writer
/// at a time anyway. The type is thread-safe.
/// </remarks>
public sealed partial class AttachmentStore : IDisposable
{
    /// <summary>The file name of the store inside the data directory.</summary>
    public const string FileName = "netfence.db";

    /// <summary>The data directory used when none is configured.</summary>
    public const string DefaultDataDirectory = "/var/lib/netfence";

    readonly SqliteConnection connection;
    readonly Lock gate = new();

    AttachmentStore(string filePath, SqliteConnection connection)
    {
        FilePath = filePath;
        this.connection = connection;
    }

    /// <summary>The store file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Opens the store in <paramref name="dataDirectory"/>, creating the directory (mode 0700) and an
    /// empty store if there is none, and migrating an older schema.
    /// </summary>
    /// <exception cref="StoreException">The file exists but is not a readable store of a known version.</exception>
    public static AttachmentStore Open(string dataDirectory = DefaultDataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (Directory.Exists(path))
            throw new StoreException($"the store {path} is a directory, not a file; remove or rename it");
        try
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot create the data directory {dataDirectory}: {e.Message}", e);
        }

        bool existed = File.Exists(path);
        // Pooling would keep the file open after Dispose, which matters to tests and to a restart in-process.
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Prepare(connection, path, existed);
            return new AttachmentStore(path, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Unreadable(path, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    static void Prepare(SqliteConnection connection, string path, bool existed)
    {
        if (existed)
        {
            // quick_check reads every page, so a damaged file is found now rather than in the middle of a restore.
            var check = Scalar(connection, "PRAGMA quick_check") as string;
            if (check != "ok") throw new StoreException($"the store {path} is damaged (SQLite quick_check: {check}). {WhatToDo}");
        }
        var journal = Scalar(connection, "PRAGMA journal_mode = WAL") as string;
        if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            throw new StoreException($"the store {path} cannot use write-ahead logging (journal mode stayed '{journal}'); put the data directory on a local file system");
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");

        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"));
        if (version > StoreSchema.CurrentVersion)
            throw new StoreException($"the store {path} has schema version {version}, but this netfenced understands up to {StoreSchema.CurrentVersion}; " +
                "it was written by a newer netfenced: run that version, or restore a backup made by this one");
        if (version < StoreSchema.CurrentVersion) Migrate(connection, version);
    }

    static void Migrate(SqliteConnection connection, int from)
    {
        using var transaction = connection.BeginTransaction();
        for (int v = from; v < StoreSchema.CurrentVersion; v++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = StoreSchema.Migrations[v] + $"\nPRAGMA user_version = {v + 1};";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    const string WhatToDo = "netfenced does not start empty over it, because that would forget every attachment's rules: " +
        "restore the file from a backup, or move it (and its -wal and -shm files) aside to start with no attachments";

    static StoreException Unreadable(string path, SqliteException e) =>
        new($"the store {path} cannot be read: {e.Message.TrimEnd('.')} (SQLite error {e.SqliteErrorCode}). {WhatToDo}", e);

    /// <summary>The schema version of the open store.</summary>
    public int SchemaVersion
    {
        get
        {
            lock (gate) return Convert.ToInt32(Scalar(connection, "PRAGMA user_version"));
        }
    }

    /// <summary>Closes the store.</summary>
    public void Dispose()
    {
        lock (gate) connection.Dispose();
    }

    static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs <paramref name="work"/> in one transaction under the lock; any failure rolls everything back.</summary>
    T Write<T>(string operation, Func<SqliteTransaction, T> work)
    {
        lock (gate)
        {
            try
            {
                using var transaction = connection.BeginTransaction();
                var result = work(transaction);
                transaction.Commit();
                return result;
            }
            catch (SqliteException e)
            {
                throw new StoreException($"{operation} failed in the store {FilePath}: {e.Message}", e);
            }
        }
    }

    T Read<T>(string operation, Func<T> work)
    {
        lock (gate)
        {
            try
            {
                return work();
            }
            catch (SqliteException e)
            {
                throw new StoreException($"{operation} failed in the store {FilePath}: {e.Message}", e);
            }
        }
    }

    SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
