"""The SQL building blocks the read queries share (sitrep.store.sql)."""

import duckdb

from sitrep.store.sql import Where, limit_sql, marks, offset_page, page_sql, split_page


def test_where_ands_given_clauses_with_their_parameters_in_order():
    w = (Where().when("RUS", "a = upper(?)").when(None, "b = ?").when("", "b = ?")
         .when("war", "(c ILIKE ? OR d ILIKE ?)").add("e BETWEEN ? AND ?", 1, 2).add("FALSE"))
    assert w.sql() == "WHERE a = upper(?) AND (c ILIKE ? OR d ILIKE ?) AND e BETWEEN ? AND ? AND FALSE"
    assert w.params == ["RUS", "war", "war", 1, 2]
    assert Where().sql() == "" and Where().params == []


def test_limit_and_page_tails():
    assert limit_sql(None) == "" and limit_sql(None, 10) == ""
    assert limit_sql(5) == " LIMIT 5" and limit_sql(5, 10) == " LIMIT 5 OFFSET 10"
    assert page_sql(5) == " LIMIT 6" and page_sql(5, 0) == " LIMIT 6 OFFSET 0"
    assert split_page([1, 2, 3], 2) == ([1, 2], True)
    assert split_page([1, 2], 2) == ([1, 2], False)
    assert offset_page([1], offset=4, limit=1, more=True) == {"items": [1], "next_offset": 5}
    assert offset_page([1], offset=4, limit=1, more=False) == {"items": [1], "next_offset": None}
    assert marks(["a", "b", "c"]) == "?, ?, ?"


def test_where_and_pages_walk_a_table(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE t (id INTEGER, code VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                    [(i, "RUS" if i % 2 else "UKR", f"name {i}") for i in range(1, 11)])
    w = Where().when("rus", "code = upper(?)").when("name", "name ILIKE '%' || ? || '%'")
    w.add(f"id NOT IN ({marks([1, 9])})", 1, 9)
    seen, offset, pages = [], 0, 0
    while offset is not None:
        sql = f"SELECT id FROM t {w.sql()} ORDER BY id" + page_sql(2, offset)
        rows, more = split_page(con.execute(sql, w.params).fetchall(), 2)
        page = offset_page([r[0] for r in rows], offset=offset, limit=2, more=more)
        seen += page["items"]
        offset, pages = page["next_offset"], pages + 1
    assert seen == [3, 5, 7] and pages == 2
    con.close()
