"""Deprivation tables, including the repair of Slough's truncated code in IoD2019 File 11."""

def test_file_11_slough_code_is_repaired(national):
    iod = national.iod2019_upper_tier
    # The published IMD sheet reads "E0600003" for Slough; the other nine sheets say E06000039.
    assert "E0600003" not in set(iod["la_code"])
    assert len(iod) == 151 and iod["la_code"].is_unique
    assert iod["la_code"].str.fullmatch(r"E\d{8}").all()
    slough = iod.set_index("la_code").loc["E06000039"]
    assert slough["la_name"] == "Slough"
    assert slough["imd_average_score"] == 22.965 and slough["imd_rank_of_average_score"] == 73
    assert slough["idaci_average_score"] == 0.147


def test_file_11_values(national):
    iod = national.iod2019_upper_tier.set_index("la_code")
    assert iod.at["E06000002", "imd_rank_of_average_score"] == 5  # Middlesbrough
    assert iod.at["E06000002", "idaci_rank_of_average_score"] == 1
    assert iod.at["E06000001", "income_scale"] == 21084
    assert iod.notna().all().all()


def test_utla_deprivation(national):
    table = national.deprivation
    assert table.groupby("source_vintage").size().to_dict() == {"IoD2015": 153, "IoD2019": 304, "IoD2025": 153}
    current = set(national.councils.loc[national.councils["status"] == "current", "la_code"])
    for (_vintage, geography), rows in table.groupby(["source_vintage", "geography"]):
        if geography.startswith("UTLA2024"):
            assert set(rows["la_code"]) == current
    assert table.loc[table["source_vintage"] == "IoD2025", "idaci_avg_score"].isna().all()
    file_11 = table[table["geography"].str.startswith("UTLA2019")].set_index("la_code")
    iod = national.iod2019_upper_tier.set_index("la_code")
    assert (file_11["imd_avg_score"] == iod.loc[file_11.index, "imd_average_score"]).all()
