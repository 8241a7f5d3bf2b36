"""kg_changes: appointments and removals, with a chain of posts and a former post before the name."""

from __future__ import annotations

from extract_helpers import one_report


def _changes(ex, kind: str = "appointed") -> list[tuple[str, str, str]]:
    m = ex.mentions
    return [(m[r.subject].text, r.attrs["org_text"], r.attrs["title"]) for r in ex.relations if r.kind == kind]


def test_an_appointment_to_a_chain_of_posts_gives_each_post():
    ex = one_report("会议决定任命王建国为杜集区人民政府副区长、代理区长。")
    assert _changes(ex) == [("王建国", "杜集区人民政府", "副区长"), ("王建国", "", "代理区长")]


def test_two_people_appointed_in_one_clause_are_not_given_each_other_s_posts():
    ex = one_report("会议决定任命王建国为杜集区人民政府副区长、李志强为杜集区人民政府区长助理。")
    assert ("王建国", "杜集区人民政府", "副区长") in _changes(ex)
    assert not [c for c in _changes(ex) if c[0] == "王建国" and c[2] != "副区长"]


def test_a_former_post_before_the_name_is_not_the_new_post():
    ex = one_report("会议决定任命原濉溪县副县长赵立新为杜集区人民政府副区长。")
    assert _changes(ex) == [("赵立新", "杜集区人民政府", "副区长")]
    # the former post is still read as a post the person held
    held = [(ex.mentions[r.subject].text, r.attrs["title"], r.attrs.get("former")) for r in ex.relations
            if r.kind == "holds"]
    assert ("赵立新", "副县长", True) in held


def test_a_removal_of_someone_with_a_three_character_name():
    ex = one_report("会议决定免去孙海涛的杜集区人民政府副区长职务。")
    assert _changes(ex, "removed") == [("孙海涛", "杜集区人民政府", "副区长")]
