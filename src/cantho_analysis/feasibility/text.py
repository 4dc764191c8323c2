"""Every reader-facing sentence of the feasibility study, in Vietnamese and English.

The computation returns numbers and finding keys; this module turns them into prose. All
strings go through :func:`t` (a small per-language catalogue, to move to the project's
message catalogue later). Numbers are formatted by language (9,5 and 43.000 in Vietnamese).
"""

from __future__ import annotations

from ..numbers import format_number

__all__ = ["t", "num", "pct", "likelihood_words", "verdict_text", "check_finding", "note_text", "why_text",
           "model_name", "weight_reason", "CATALOGUE"]

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        # likelihood scale (IPCC AR5)
        "virtually_certain": "virtually certain", "very_likely": "very likely", "likely": "likely",
        "about_as_likely_as_not": "about as likely as not", "unlikely": "unlikely", "very_unlikely": "very unlikely",
        "exceptionally_unlikely": "exceptionally unlikely",
        "scale": "Likelihood scale (IPCC): virtually certain > 99 %, very likely > 90 %, likely > 66 %, about as likely as "
                 "not 33–66 %, unlikely < 33 %, very unlikely < 10 %, exceptionally unlikely < 1 %. The wording used "
                 "is the one that holds across the models the backtest admits.",
        # models
        "m.mean": "mean (Student-t, parameter uncertainty)", "m.ar1": "AR(1) (Student-t, parameter uncertainty)",
        "m.local_level": "local level", "m.national_anchor": "Vietnam + city–Vietnam gap",
        "m.pooled": "pooled units (shrinkage)", "m.random_walk": "random walk", "m.arima": "ARIMA (AICc)",
        "m.ets": "ETS damped trend", "m.theta": "Theta", "m.ensemble": "ensemble", "m.naive_point": "naive (last year)",
        # weight reasons
        "w.undercovers": "backtest: 80 % intervals covered too few outturns",
        "w.crps_too_high": "backtest: CRPS too high", "w.trend_not_earned": "trend model: did not beat the mean in the backtest",
        "w.too_few_backtests": "too few backtest origins", "w.duplicate": "same model as another",
        "w.failed": "could not be fitted", "w.not_applicable": "does not apply", "w.no_backtest": "no backtest",
        "w.no_weight": "no weight",
        # verdict
        "verdict": "Verdict: on the evidence through {dt}, an average of {lo} % a year over {s}–{e} is {words}: the "
                   "ensemble gives {p} ({ph} for {hi} %), and the models the backtest admits give {pmin} to {pmax}. "
                   "The central estimate is {med} % a year (80 % interval {a80}–{b80} %, 95 % interval {a95}–{b95} %).",
        "verdict_none": "Verdict: no model could be fitted on the data through {dt}, so no probability is given.",
        "verdict_complete": "Verdict: the period {s}–{e} is complete on the data through {dt}: the average was {avg} % "
                            "a year, {cmp} the {lo} % target.",
        "cmp.above": "at or above", "cmp.below": "below",
        "calibration": "How far to trust it: in backtests at every possible origin, with weights from what was known "
                       "at each origin, the ensemble's 80 % intervals for the average covered {c80} of outturns ({n} "
                       "origins; {c80f} over full five-year periods, {nf} origins) and its 95 % intervals {c95}; the "
                       "target is 70–90 % for the 80 % intervals. Its CRPS for the average is {crps} against {bcrps} "
                       "for the best single model ({best}); with the final weights, fitted on the same backtest, "
                       "{c80_fin} and {crps_fin}. {local_n} of the origins are local series, the rest Vietnam's: the "
                       "local record is too short to judge calibration.",
        "calibration_none": "The backtests could not be run.",
        "covid": "Covid: 2020–2022 are treated as missing observations in every model; tail risk comes from a "
                 "recession component estimated from the bundle ({episodes} episode(s) in {years} years at risk, "
                 "{rate} a year). Without that treatment the probability would be {p_none}; without the recession "
                 "component {p_noshock}.",
        "sensitivity": "What it hinges on: if Vietnam grows {vn} % a year over the period and the city keeps its "
                       "estimated gap to Vietnam ({gap} points), the probability is {p_vn}; with Vietnam at {vn_hi} % "
                       "and the city one point above Vietnam, {p_hi}.",
        "required": "What it takes: {rl}–{rh} % in each of the remaining {k} years ({years}); {above} of {n} years on "
                    "record reached {rl} %.",
        "required_done": "The period is complete.",
        "plans": "The plans' own growth targets, used as forecasts, were {me} points too high on average (mean "
                 "absolute error {mae}; {k} distinct targets).",
        "base": "Base rates: {text}",
        "br.one": "in {p}, {c} of {n} provinces grew more than 10 % in the year",
        "br.avg": "over {p} only {c} of {n} provinces averaged more than 10 % a year",
        "audit_head": "Plan-consistency audit: {k} of {n} checks find a problem.",
        "moved": "As of {y} the probability moved from {a} to {b}: {why}",
        "why.models_became_available": "with the {y} figure ({v} %) enough non-Covid years existed for more models to be fitted.",
        "why.weights_shifted": "the backtest evidence shifted the weights between models.",
        "why.new_outcome": "the {y} outcome ({v} %) changed the fitted models.",
        # notes
        "note.after_end_ignored": "Figures after {end_year} ({years}) are outside the period and ignored.",
        "note.gap_in_period": "The years {missing} are missing: they are simulated; {observed} are used as observed; the "
                              "models are fitted on the data through {fit_end}.",
        "note.data_through_after_series": "Data through {data_through} was asked for, but the series ends in {last}.",
        "note.short_series": "The merged series has only {n_obs} annual observations ({first}–{last}), {n_clean} of them "
                             "outside Covid: every interval is wide.",
        # checks
        "c.not_applicable": "Not applicable for {start_year}–{end_year}: missing {missing}.",
        "c.check_failed": "The check could not be computed: {error}.",
        "c.sector_short": "With agriculture at {sa} % of GRDP growing 3–4 %, the other sectors must grow {need_lo} %/yr for "
                          "{lo} % overall ({need_hi} % for {hi} %), against {recent} % in {base}.",
        "c.sector_ok": "With agriculture at {sa} % of GRDP growing 3–4 %, the other sectors must grow {need_lo} %/yr for "
                       "{lo} % overall, which they reached in {base} ({recent} %).",
        "c.investment_short": "Investment rising from {s0} % of GRDP{src} to {st} % averages {avg} % over the period; at an ICOR "
                              "of 5–6 that supports {g_lo}–{g_hi} % growth, against {lo} % targeted ({need} % of GRDP "
                              "would be needed). {inv} billion in {end} means nominal investment growth of {nom} %/yr.",
        "c.investment_ok": "Investment rising from {s0} % of GRDP{src} to {st} % (average {avg} %) supports {g_lo}–{g_hi} % "
                           "growth at an ICOR of 5–6, enough for {lo} %.",
        "c.investment_no_base": "No investment share for {start_year}; at an ICOR of 5–6 a share of {st} % supports "
                                "{g_lo}–{g_hi} % growth.",
        "c.deflator_high": "{gt} billion in {end} needs nominal growth of {nom_lo}–{nom_hi} %/yr from the {start} base "
                           "({bases}); with {lo}–{hi} % real growth that is a deflator of {d_lo}–{d_hi} %/yr, against "
                           "{recent} % implied in recent years.",
        "c.deflator_ok": "{gt} billion in {end} needs nominal growth of {nom_lo}–{nom_hi} %/yr from the {start} base; "
                         "with {lo}–{hi} % real growth the deflator ({d_lo}–{d_hi} %) is in line with recent years ({recent} %).",
        "c.nominal_target_implies_more_growth": "Appendix 8's scenarios assume a deflator of {d} %/yr; at that deflator "
                                                "the {gt} billion target implies real growth of {r_lo}–{r_hi} %/yr, "
                                                "not {lo}–{hi} %.",
        "c.nominal_target_consistent": "At the scenarios' deflator of {d} %/yr, the {gt} billion target implies "
                                       "{r_lo}–{r_hi} %/yr real growth, consistent with {lo}–{hi} %.",
        "c.per_capita_consistent": "{pc} million per person × {pop} people = {imp} billion, consistent with the {gt} "
                                   "target; with appendix 8's population of {a8pop} it would be {a8}.",
        "c.per_capita_inconsistent": "{pc} million per person × {pop} people = {imp} billion, not the {gt} target.",
        "c.scenarios_inconsistent": "Appendix 8's scenarios imply a constant-price base of about {base} billion; {swapped} "
                                    "reach it only with the current/constant labels swapped; {heads}; exchange rates "
                                    "range {r0}–{r1} VND/USD. Scenarios at or above {lo} %: {reach}.",
        "c.scenarios_consistent": "Appendix 8's scenarios agree with one another. Scenarios at or above {lo} %: {reach}.",
        "c.productivity_inconsistent": "{lp} million per worker × {emp} workers = {imp} billion, {diff} % from the {gt} "
                                       "GRDP target.",
        "c.productivity_consistent": "{lp} million per worker × {emp} workers = {imp} billion, consistent with {gt}.",
        "c.growth_rates_disagree": "Growth implied by the {end} targets from the {start} base against the rates the "
                                   "documents state: {rows}.",
        "c.growth_rates_agree": "The {end} export and budget targets agree with the stated growth rates: {rows}.",
        "c.structure_needs_growth": "Agriculture at {s0} % of GRDP growing {ga} %/yr would be {cases} of GRDP in {end}; "
                                    "the target of at most {tmax} % needs overall growth of about {need} %/yr.",
        "c.structure_ok": "Agriculture's share reaches the {tmax} % target at {need} %/yr overall growth: {cases}.",
        "c.population_growth_differs": "The resolution's population ({pop0} → {popt}) grows {gr} %/yr; appendix 8 assumes "
                                       "{ga8} %/yr.",
        "c.population_growth_agrees": "Population growth: resolution {gr} %/yr, appendix 8 {ga8} %/yr.",
        "c.targets_optimistic": "Past growth targets used as forecasts: mean error {me} points, mean absolute error {mae} "
                                "({k} distinct targets; {x} excluded as restated or copied). {old}",
        "c.targets_unbiased": "Past growth targets used as forecasts: mean error {me} points, mean absolute error {mae} "
                              "({k} distinct targets). {old}",
        "c.old_ct": "Old Cần Thơ's {avg} % for 2021–2025 assumes {g25} % growth in 2025; the 2025 estimates ({ests} %) "
                    "give {imp} %.",
        "c.required_rarely_reached": "The remaining {k} year(s) need {rl}–{rh} %/yr every year; {above} of {n} years on "
                                     "record reached {rl} % (best: {best} % in {by}, a post-Covid rebound).",
        "c.required_reached_before": "The remaining {k} year(s) need {rl}–{rh} %/yr; {above} of {n} years on record reached it.",
        "c.period_complete": "The period is complete: nothing remains to be required.",
        "and": " and ", "none": "none",
        "inv.old": " (old Cần Thơ's share in {y}; the merged city's is not published)",
        "headed": "'{s}' is headed {h} % but computes {c} %",
    },
    "vi": {
        "virtually_certain": "gần như chắc chắn", "very_likely": "rất có khả năng", "likely": "có khả năng",
        "about_as_likely_as_not": "khả năng ngang nhau", "unlikely": "khó xảy ra", "very_unlikely": "rất khó xảy ra",
        "exceptionally_unlikely": "hầu như không thể xảy ra",
        "scale": "Thang khả năng (IPCC): gần như chắc chắn > 99 %, rất có khả năng > 90 %, có khả năng > 66 %, khả năng "
                 "ngang nhau 33–66 %, khó xảy ra < 33 %, rất khó xảy ra < 10 %, hầu như không thể xảy ra < 1 %. Cách "
                 "diễn đạt được chọn sao cho đúng với mọi mô hình qua được kiểm định lùi.",
        "m.mean": "trung bình (phân phối Student-t, tính cả sai số tham số)", "m.ar1": "tự hồi quy bậc 1 (Student-t)",
        "m.local_level": "mức địa phương", "m.national_anchor": "cả nước + chênh lệch thành phố – cả nước",
        "m.pooled": "gộp các địa phương (co về trung bình chung)", "m.random_walk": "bước ngẫu nhiên",
        "m.arima": "ARIMA (chọn theo AICc)", "m.ets": "san bằng mũ có xu hướng tắt dần", "m.theta": "Theta",
        "m.ensemble": "tổ hợp", "m.naive_point": "giữ nguyên năm trước",
        "w.undercovers": "kiểm định lùi: khoảng 80 % bao được quá ít kết quả",
        "w.crps_too_high": "kiểm định lùi: CRPS quá cao", "w.trend_not_earned": "mô hình xu hướng: không tốt hơn mô hình trung bình",
        "w.too_few_backtests": "quá ít lần kiểm định lùi", "w.duplicate": "trùng với mô hình khác",
        "w.failed": "không ước lượng được", "w.not_applicable": "không áp dụng", "w.no_backtest": "không kiểm định lùi",
        "w.no_weight": "không có trọng số",
        "verdict": "Kết luận: với số liệu đến năm {dt}, việc đạt tăng trưởng bình quân {lo} %/năm giai đoạn {s}–{e} là "
                   "{words}: tổ hợp mô hình cho xác suất {p} ({ph} với mức {hi} %), các mô hình qua được kiểm định lùi "
                   "cho từ {pmin} đến {pmax}. Ước lượng trung tâm là {med} %/năm (khoảng 80 %: {a80}–{b80} %, khoảng "
                   "95 %: {a95}–{b95} %).",
        "verdict_none": "Kết luận: không mô hình nào ước lượng được với số liệu đến năm {dt}, nên không đưa ra xác suất.",
        "verdict_complete": "Kết luận: giai đoạn {s}–{e} đã kết thúc theo số liệu đến năm {dt}: tăng trưởng bình quân đạt "
                            "{avg} %/năm, {cmp} chỉ tiêu {lo} %.",
        "cmp.above": "bằng hoặc cao hơn", "cmp.below": "thấp hơn",
        "calibration": "Mức tin cậy: khi kiểm định lùi ở mọi thời điểm có thể, với trọng số tính từ thông tin có tại "
                       "mỗi thời điểm, khoảng 80 % của tổ hợp cho số bình quân bao được {c80} kết quả thực tế ({n} thời "
                       "điểm; {c80f} với các giai đoạn đủ 5 năm, {nf} thời điểm) và khoảng 95 % bao được {c95}; mục "
                       "tiêu là 70–90 % cho khoảng 80 %. CRPS của tổ hợp cho số bình quân là {crps}, của mô hình đơn "
                       "tốt nhất ({best}) là {bcrps}; với trọng số cuối cùng (ước lượng trên chính các lần kiểm định "
                       "này): {c80_fin} và {crps_fin}. Chỉ {local_n} thời điểm là của các chuỗi địa phương, còn lại "
                       "của cả nước: chuỗi địa phương quá ngắn để đánh giá.",
        "calibration_none": "Không chạy được kiểm định lùi.",
        "covid": "Covid: các năm 2020–2022 được coi là quan sát thiếu trong mọi mô hình; rủi ro đuôi đến từ một thành phần "
                 "suy thoái ước lượng từ số liệu ({episodes} đợt trong {years} năm, {rate} mỗi năm). Nếu không xử lý "
                 "như vậy, xác suất sẽ là {p_none}; không có thành phần suy thoái, {p_noshock}.",
        "sensitivity": "Kết quả phụ thuộc vào: nếu cả nước tăng {vn} %/năm và thành phố giữ mức chênh lệch ước tính "
                       "({gap} điểm), xác suất là {p_vn}; nếu cả nước tăng {vn_hi} % và thành phố cao hơn 1 điểm, {p_hi}.",
        "required": "Điều kiện cần: tăng {rl}–{rh} % mỗi năm trong {k} năm còn lại ({years}); {above}/{n} năm có số liệu "
                    "đạt mức {rl} %.",
        "required_done": "Giai đoạn đã kết thúc.",
        "plans": "Các chỉ tiêu tăng trưởng trong kế hoạch trước đây, nếu coi là dự báo, cao hơn thực tế bình quân {me} "
                 "điểm phần trăm (sai số tuyệt đối bình quân {mae}; {k} chỉ tiêu khác nhau).",
        "base": "Tần suất tham chiếu: {text}",
        "br.one": "năm {p} có {c}/{n} tỉnh, thành tăng trưởng trên 10 %",
        "br.avg": "giai đoạn {p} chỉ {c}/{n} địa phương tăng bình quân trên 10 %/năm",
        "audit_head": "Kiểm tra tính nhất quán của kế hoạch: {k}/{n} phép kiểm tra phát hiện vấn đề.",
        "moved": "Với số liệu đến năm {y}, xác suất thay đổi từ {a} thành {b}: {why}",
        "why.models_became_available": "có số liệu năm {y} ({v} %), đủ năm ngoài Covid để ước lượng thêm mô hình.",
        "why.weights_shifted": "kết quả kiểm định lùi làm thay đổi trọng số giữa các mô hình.",
        "why.new_outcome": "kết quả năm {y} ({v} %) làm thay đổi các mô hình.",
        "note.after_end_ignored": "Số liệu sau năm {end_year} ({years}) nằm ngoài giai đoạn và không được dùng.",
        "note.gap_in_period": "Thiếu số liệu các năm {missing}: các năm này được mô phỏng; các năm {observed} dùng số thực "
                              "tế; mô hình ước lượng trên số liệu đến năm {fit_end}.",
        "note.data_through_after_series": "Yêu cầu số liệu đến năm {data_through}, nhưng chuỗi số chỉ đến năm {last}.",
        "note.short_series": "Chuỗi số của thành phố sau hợp nhất chỉ có {n_obs} quan sát năm ({first}–{last}), {n_clean} "
                             "năm ngoài Covid: mọi khoảng dự báo đều rộng.",
        "c.not_applicable": "Không áp dụng cho giai đoạn {start_year}–{end_year}: thiếu {missing}.",
        "c.check_failed": "Không tính được: {error}.",
        "c.sector_short": "Nông nghiệp chiếm {sa} % GRDP và tăng 3–4 %, các khu vực khác phải tăng {need_lo} %/năm để đạt "
                          "{lo} % ({need_hi} % để đạt {hi} %), trong khi năm {base} chỉ đạt {recent} %.",
        "c.sector_ok": "Nông nghiệp chiếm {sa} % GRDP và tăng 3–4 %, các khu vực khác cần tăng {need_lo} %/năm để đạt "
                       "{lo} %; năm {base} đã đạt {recent} %.",
        "c.investment_short": "Vốn đầu tư tăng từ {s0} %{src} lên {st} % GRDP, bình quân {avg} % trong giai đoạn; với ICOR 5–6 "
                              "chỉ đủ cho tăng trưởng {g_lo}–{g_hi} %, thấp hơn mục tiêu {lo} % (cần {need} % GRDP). "
                              "Mục tiêu {inv} tỷ đồng năm {end} nghĩa là vốn đầu tư danh nghĩa tăng {nom} %/năm.",
        "c.investment_ok": "Vốn đầu tư tăng từ {s0} %{src} lên {st} % GRDP (bình quân {avg} %) đủ cho tăng trưởng "
                           "{g_lo}–{g_hi} % với ICOR 5–6, đủ cho mục tiêu {lo} %.",
        "c.investment_no_base": "Chưa có tỷ lệ vốn đầu tư năm {start_year}; với ICOR 5–6, tỷ lệ {st} % đủ cho tăng trưởng "
                                "{g_lo}–{g_hi} %.",
        "c.deflator_high": "Mục tiêu {gt} tỷ đồng năm {end} đòi hỏi GRDP danh nghĩa tăng {nom_lo}–{nom_hi} %/năm từ năm "
                           "gốc {start} ({bases}); với tăng trưởng thực {lo}–{hi} %, chỉ số giảm phát phải là "
                           "{d_lo}–{d_hi} %/năm, so với {recent} % những năm gần đây.",
        "c.deflator_ok": "Mục tiêu {gt} tỷ đồng năm {end} đòi hỏi GRDP danh nghĩa tăng {nom_lo}–{nom_hi} %/năm; với tăng "
                         "trưởng thực {lo}–{hi} %, chỉ số giảm phát ({d_lo}–{d_hi} %) phù hợp với những năm gần đây ({recent} %).",
        "c.nominal_target_implies_more_growth": "Các kịch bản ở phụ lục 8 giả định chỉ số giảm phát {d} %/năm; với mức này, "
                                                "mục tiêu {gt} tỷ đồng tương ứng tăng trưởng thực {r_lo}–{r_hi} %/năm, "
                                                "không phải {lo}–{hi} %.",
        "c.nominal_target_consistent": "Với chỉ số giảm phát {d} %/năm của các kịch bản, mục tiêu {gt} tỷ đồng tương ứng "
                                       "tăng trưởng thực {r_lo}–{r_hi} %/năm, phù hợp với {lo}–{hi} %.",
        "c.per_capita_consistent": "{pc} triệu đồng/người × {pop} người = {imp} tỷ đồng, khớp với mục tiêu {gt}; với dân số "
                                   "{a8pop} của phụ lục 8 sẽ là {a8}.",
        "c.per_capita_inconsistent": "{pc} triệu đồng/người × {pop} người = {imp} tỷ đồng, không khớp mục tiêu {gt}.",
        "c.scenarios_inconsistent": "Các kịch bản ở phụ lục 8 ngầm định quy mô GRDP giá so sánh năm gốc khoảng {base} tỷ "
                                    "đồng; {swapped} chỉ khớp khi đổi nhãn giá hiện hành/giá so sánh; {heads}; tỷ giá từ "
                                    "{r0} đến {r1} đồng/USD. Kịch bản đạt từ {lo} % trở lên: {reach}.",
        "c.scenarios_consistent": "Các kịch bản ở phụ lục 8 nhất quán với nhau. Kịch bản đạt từ {lo} % trở lên: {reach}.",
        "c.productivity_inconsistent": "{lp} triệu đồng/lao động × {emp} lao động = {imp} tỷ đồng, lệch {diff} % so với "
                                       "mục tiêu GRDP {gt}.",
        "c.productivity_consistent": "{lp} triệu đồng/lao động × {emp} lao động = {imp} tỷ đồng, khớp với {gt}.",
        "c.growth_rates_disagree": "Tốc độ tăng ngầm định bởi mục tiêu năm {end} từ năm gốc {start} so với tốc độ văn kiện "
                                   "nêu: {rows}.",
        "c.growth_rates_agree": "Mục tiêu xuất khẩu và thu ngân sách năm {end} khớp với tốc độ tăng đã nêu: {rows}.",
        "c.structure_needs_growth": "Nông nghiệp chiếm {s0} % GRDP, tăng {ga} %/năm, sẽ chiếm {cases} GRDP năm {end}; "
                                    "mục tiêu không quá {tmax} % cần tăng trưởng chung khoảng {need} %/năm.",
        "c.structure_ok": "Tỷ trọng nông nghiệp đạt mục tiêu {tmax} % với tăng trưởng chung {need} %/năm: {cases}.",
        "c.population_growth_differs": "Dân số theo nghị quyết ({pop0} → {popt}) tăng {gr} %/năm; phụ lục 8 giả định "
                                       "{ga8} %/năm.",
        "c.population_growth_agrees": "Tăng dân số: nghị quyết {gr} %/năm, phụ lục 8 {ga8} %/năm.",
        "c.targets_optimistic": "Chỉ tiêu tăng trưởng trước đây coi như dự báo: sai số bình quân {me} điểm, sai số tuyệt "
                                "đối bình quân {mae} ({k} chỉ tiêu khác nhau; {x} chỉ tiêu bị loại vì nhắc lại hoặc sao "
                                "chép). {old}",
        "c.targets_unbiased": "Chỉ tiêu tăng trưởng trước đây coi như dự báo: sai số bình quân {me} điểm, sai số tuyệt "
                              "đối bình quân {mae} ({k} chỉ tiêu). {old}",
        "c.old_ct": "Mức {avg} % giai đoạn 2021–2025 của Cần Thơ cũ giả định năm 2025 tăng {g25} %; các ước tính năm 2025 "
                    "({ests} %) cho {imp} %.",
        "c.required_rarely_reached": "{k} năm còn lại cần tăng {rl}–{rh} %/năm mỗi năm; {above}/{n} năm có số liệu đạt "
                                     "{rl} % (cao nhất: {best} % năm {by}, phục hồi sau Covid).",
        "c.required_reached_before": "{k} năm còn lại cần tăng {rl}–{rh} %/năm; {above}/{n} năm có số liệu đã đạt.",
        "c.period_complete": "Giai đoạn đã kết thúc.",
        "and": " và ", "none": "không có",
        "inv.old": " (tỷ lệ của Cần Thơ cũ năm {y}; chưa có số của thành phố sau hợp nhất)",
        "headed": "kịch bản '{s}' ghi {h} % nhưng tính ra {c} %",
    },
}


# chart labels (charts.py reads them through t('chart.<key>'))
_CHART = {
    "en": {"hist": "observed (published)", "der": "observed (derived from the three units)", "fan80": "80 % interval",
           "fan95": "95 % interval", "median": "median path (ensemble)", "target": "target average", "year": "Year",
           "growth": "Real GRDP growth, %", "avg": "Average growth {s}–{e}, %/yr",
           "title": "Merged Cần Thơ: real GRDP growth and the {s}–{e} target",
           "cov_title": "Backtest: share of outturns inside the intervals", "cov_y": "Share of outturns",
           "cov_80": "nominal 80 %", "cov_95": "nominal 95 %", "one": "one year", "avgh": "period average",
           "hist_title": "How the answer moved: P(average ≥ {lo} %) as known in each year", "asof": "Data through",
           "p": "Probability, %", "sens_title": "P(average ≥ {lo} %) by Vietnam's average growth and the city–Vietnam gap",
           "vn": "Vietnam's average growth {s}–{e}, %/yr", "gap": "City – Vietnam gap, points", "estimated": "estimated",
           "group.local": "local series", "group.vietnam": "Vietnam", "group.all": "all"},
    "vi": {"hist": "thực tế (công bố)", "der": "thực tế (tính từ 3 địa phương)", "fan80": "khoảng 80 %",
           "fan95": "khoảng 95 %", "median": "đường trung vị (tổ hợp)", "target": "chỉ tiêu bình quân", "year": "Năm",
           "growth": "Tăng trưởng GRDP (giá so sánh), %", "avg": "Tăng trưởng bình quân {s}–{e}, %/năm",
           "title": "Cần Thơ sau hợp nhất: tăng trưởng GRDP và chỉ tiêu {s}–{e}",
           "cov_title": "Kiểm định lùi: tỷ lệ kết quả thực tế nằm trong khoảng dự báo", "cov_y": "Tỷ lệ",
           "cov_80": "mức danh nghĩa 80 %", "cov_95": "mức danh nghĩa 95 %", "one": "một năm", "avgh": "bình quân giai đoạn",
           "hist_title": "Kết quả thay đổi thế nào: P(bình quân ≥ {lo} %) theo số liệu từng năm", "asof": "Số liệu đến năm",
           "p": "Xác suất, %", "sens_title": "P(bình quân ≥ {lo} %) theo tăng trưởng cả nước và chênh lệch",
           "vn": "Tăng trưởng bình quân cả nước {s}–{e}, %/năm", "gap": "Chênh lệch thành phố – cả nước, điểm",
           "estimated": "ước tính", "group.local": "chuỗi địa phương", "group.vietnam": "cả nước", "group.all": "tất cả"},
}
for _lang, _d in _CHART.items():
    CATALOGUE[_lang].update({f"chart.{_k}": _v for _k, _v in _d.items()})


# table columns and cell values (display.py reads them through t('col.<name>'), t('<value key>'))
_TABLES = {'en': {'col.name': 'Model',
        'col.model': 'Model',
        'col.median': 'Median, %/yr',
        'col.pi80': '80 % interval',
        'col.pi95': '95 % interval',
        'col.p_ge_low': 'P(≥ low target)',
        'col.p_ge_high': 'P(≥ high target)',
        'col.weight': 'Weight',
        'col.reason': 'Why no weight',
        'col.group': 'Series',
        'col.origins': 'Origins',
        'col.origins_full_horizon': 'Origins with 5 years',
        'col.coverage80_1y': '80 % coverage, 1 year',
        'col.coverage95_1y': '95 % coverage, 1 year',
        'col.coverage80_avg': '80 % coverage, average',
        'col.coverage95_avg': '95 % coverage, average',
        'col.coverage80_avg_full': '80 % coverage, 5-year average',
        'col.coverage95_avg_full': '95 % coverage, 5-year average',
        'col.crps_avg': 'CRPS, average',
        'col.crps_1y': 'CRPS, 1 year',
        'col.best_single_model': 'Best single model',
        'col.best_single_crps_avg': 'Its CRPS, average',
        'col.n': 'Forecasts',
        'col.rel_crps_avg': 'Relative CRPS',
        'col.mae_1y': 'MAE, 1 year',
        'col.bias_1y': 'Bias, 1 year',
        'col.mae_avg': 'MAE, average',
        'col.bias_avg': 'Bias, average',
        'col.n_full': 'With 5 years',
        'col.year': 'Year',
        'col.as_of': 'Data through',
        'col.new_value': "That year's growth, %",
        'col.models_ok': 'Models fitted',
        'col.case': 'Case',
        'col.without': 'Without',
        'col.vietnam_growth': "Vietnam's growth, %/yr",
        'col.check': 'Check',
        'col.flag': 'Problem',
        'col.finding': 'Finding',
        'col.target_id': 'Target',
        'col.locality': 'Locality',
        'col.plan': 'Plan',
        'col.period_start': 'From',
        'col.period_end': 'To',
        'col.target': 'Target, %',
        'col.outturn': 'Outturn, %',
        'col.error_pp': 'Error, points',
        'col.value': 'Growth, %',
        'col.source': 'Source',
        'col.status': 'Status',
        'col.detail': 'Detail',
        'col.period': 'Period',
        'col.published_average': 'Published average',
        'col.annual_years_available': 'Years available',
        'col.years_in_period': 'Years in period',
        'col.annual_average': 'Average of the years',
        'col.difference_pp': 'Difference, points',
        'col.rate_id': 'Id',
        'col.subperiod': 'Part of year',
        'col.measure': 'Measure',
        'col.comparison': 'Comparison',
        'col.count': 'Count',
        'col.count_kind': 'Count kind',
        'col.n_provinces': 'Provinces',
        'col.share': 'Share',
        'col.note': 'Note',
        'col.weights': 'Weights',
        'col.estimated': 'estimated gap',
        'g.local': 'local series',
        'g.vietnam': 'Vietnam',
        'g.all': 'all',
        'case.treatment': 'Covid years as missing + recession component',
        'case.dummies_no_shocks': 'Covid years as missing, no recession component',
        'case.no_treatment': 'no Covid treatment',
        'x.restated': 'restated (counted once)',
        'x.copied_text': 'copied text',
        'x.after_base_year': 'after the base year',
        'x.no_outturn': 'no outturn',
        'yes': 'yes',
        'no': '',
        'src.published': 'published',
        'src.derived': 'derived from the three units',
        'chk.sector_arithmetic': 'Sector arithmetic',
        'chk.investment': 'Investment',
        'chk.nominal_target_and_deflator': 'Nominal target and deflator',
        'chk.appendix8_deflator': 'Deflator in appendix 8',
        'chk.per_capita_times_population': 'Per capita × population',
        'chk.appendix8_scenarios': 'Appendix 8 scenarios',
        'chk.labour_productivity': 'Labour productivity × employment',
        'chk.exports_and_budget': 'Exports and budget revenue',
        'chk.structure_conditional': 'Agriculture share given growth',
        'chk.population': 'Population growth',
        'chk.plan_targets_as_forecasts': 'Plan targets as forecasts',
        'chk.required_path': 'Required growth path'},
 'vi': {'col.name': 'Mô hình',
        'col.model': 'Mô hình',
        'col.median': 'Trung vị, %/năm',
        'col.pi80': 'Khoảng 80 %',
        'col.pi95': 'Khoảng 95 %',
        'col.p_ge_low': 'P(≥ mức thấp)',
        'col.p_ge_high': 'P(≥ mức cao)',
        'col.weight': 'Trọng số',
        'col.reason': 'Lý do không có trọng số',
        'col.group': 'Chuỗi số',
        'col.origins': 'Số thời điểm',
        'col.origins_full_horizon': 'Thời điểm đủ 5 năm',
        'col.coverage80_1y': 'Độ bao 80 %, 1 năm',
        'col.coverage95_1y': 'Độ bao 95 %, 1 năm',
        'col.coverage80_avg': 'Độ bao 80 %, bình quân',
        'col.coverage95_avg': 'Độ bao 95 %, bình quân',
        'col.coverage80_avg_full': 'Độ bao 80 %, bình quân 5 năm',
        'col.coverage95_avg_full': 'Độ bao 95 %, bình quân 5 năm',
        'col.crps_avg': 'CRPS, bình quân',
        'col.crps_1y': 'CRPS, 1 năm',
        'col.best_single_model': 'Mô hình đơn tốt nhất',
        'col.best_single_crps_avg': 'CRPS của mô hình đó',
        'col.n': 'Số dự báo',
        'col.rel_crps_avg': 'CRPS tương đối',
        'col.mae_1y': 'Sai số tuyệt đối, 1 năm',
        'col.bias_1y': 'Độ lệch, 1 năm',
        'col.mae_avg': 'Sai số tuyệt đối, bình quân',
        'col.bias_avg': 'Độ lệch, bình quân',
        'col.n_full': 'Đủ 5 năm',
        'col.year': 'Năm',
        'col.as_of': 'Số liệu đến năm',
        'col.new_value': 'Tăng trưởng năm đó, %',
        'col.models_ok': 'Mô hình ước lượng được',
        'col.case': 'Trường hợp',
        'col.without': 'Bỏ mô hình',
        'col.vietnam_growth': 'Tăng trưởng cả nước, %/năm',
        'col.check': 'Phép kiểm tra',
        'col.flag': 'Có vấn đề',
        'col.finding': 'Kết quả',
        'col.target_id': 'Chỉ tiêu',
        'col.locality': 'Địa phương',
        'col.plan': 'Văn bản',
        'col.period_start': 'Từ năm',
        'col.period_end': 'Đến năm',
        'col.target': 'Chỉ tiêu, %',
        'col.outturn': 'Thực tế, %',
        'col.error_pp': 'Sai số, điểm',
        'col.value': 'Tăng trưởng, %',
        'col.source': 'Nguồn',
        'col.status': 'Tình trạng',
        'col.detail': 'Chi tiết',
        'col.period': 'Giai đoạn',
        'col.published_average': 'Bình quân công bố',
        'col.annual_years_available': 'Số năm có số liệu',
        'col.years_in_period': 'Số năm của giai đoạn',
        'col.annual_average': 'Bình quân các năm',
        'col.difference_pp': 'Chênh lệch, điểm',
        'col.rate_id': 'Mã',
        'col.subperiod': 'Kỳ',
        'col.measure': 'Chỉ số',
        'col.comparison': 'So sánh',
        'col.count': 'Số lượng',
        'col.count_kind': 'Loại số liệu',
        'col.n_provinces': 'Số tỉnh',
        'col.share': 'Tỷ lệ',
        'col.note': 'Ghi chú',
        'col.weights': 'Trọng số',
        'col.estimated': 'chênh lệch ước tính',
        'g.local': 'chuỗi địa phương',
        'g.vietnam': 'cả nước',
        'g.all': 'tất cả',
        'case.treatment': 'năm Covid coi là thiếu + thành phần suy thoái',
        'case.dummies_no_shocks': 'năm Covid coi là thiếu, không có thành phần suy thoái',
        'case.no_treatment': 'không xử lý Covid',
        'x.restated': 'nhắc lại (tính một lần)',
        'x.copied_text': 'văn bản sao chép',
        'x.after_base_year': 'sau năm gốc',
        'x.no_outturn': 'chưa có kết quả',
        'yes': 'có',
        'no': '',
        'src.published': 'công bố',
        'src.derived': 'tính từ 3 địa phương',
        'chk.sector_arithmetic': 'Cơ cấu ngành',
        'chk.investment': 'Vốn đầu tư',
        'chk.nominal_target_and_deflator': 'GRDP danh nghĩa và chỉ số giảm phát',
        'chk.appendix8_deflator': 'Chỉ số giảm phát trong phụ lục 8',
        'chk.per_capita_times_population': 'Bình quân đầu người × dân số',
        'chk.appendix8_scenarios': 'Các kịch bản phụ lục 8',
        'chk.labour_productivity': 'Năng suất lao động × số lao động',
        'chk.exports_and_budget': 'Xuất khẩu và thu ngân sách',
        'chk.structure_conditional': 'Tỷ trọng nông nghiệp theo tăng trưởng',
        'chk.population': 'Tăng dân số',
        'chk.plan_targets_as_forecasts': 'Chỉ tiêu kế hoạch coi như dự báo',
        'chk.required_path': 'Tốc độ cần đạt'}}
_TABLES["en"].update({"ew.final": "final (fitted on this backtest)", "ew.known_at_origin": "known at each origin"})
_TABLES["vi"].update({"ew.final": "cuối cùng (ước lượng trên chính kiểm định này)", "ew.known_at_origin": "có tại mỗi thời điểm"})
for _lang, _d in _TABLES.items():
    CATALOGUE[_lang].update(_d)


def t(key: str, lang: str = "en", **kw) -> str:
    """The one way a reader-facing string is produced: catalogue entry ``key`` in ``lang``."""
    cat = CATALOGUE["vi" if lang == "vi" else "en"]
    text = cat.get(key, CATALOGUE["en"].get(key, key))
    return text.format(**kw) if kw else text


def num(x, lang: str = "en", d: int | None = 1) -> str:
    return format_number(None if x is None else float(x), lang, d)


def pct(p, lang: str = "en") -> str:
    """A probability as a percentage: one decimal under 10 %, "< 0,1 %" when tiny."""
    if p is None:
        return "—"
    v = float(p) * 100
    if 0 < v < 0.1:
        return ("< " + format_number(0.1, lang, 1)) + " %"
    return format_number(v, lang, 1 if v < 10 else 0) + " %"


def likelihood_words(term: str | None, lang: str = "en") -> str:
    return t(term, lang) if term else "—"


def model_name(name: str, lang: str = "en") -> str:
    return t(f"m.{name}", lang) if f"m.{name}" in CATALOGUE["en"] else name


def weight_reason(key: str, lang: str = "en") -> str:
    return t(f"w.{key}", lang) if key else ""


def note_text(note: dict, lang: str = "en") -> str:
    kw = {k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in note.items() if k != "key"}
    try:
        return t(f"note.{note['key']}", lang, **kw)
    except KeyError:
        return t(f"note.{note['key']}", lang)


def why_text(row: dict, lang: str = "en") -> str:
    w = row["why"]
    return t("moved", lang, y=row["as_of"], a="—", b=pct(row["p_ge_low"], lang),
             why=t(f"why.{w['key']}", lang, y=w["new_year"], v=num(w.get("new_value"), lang, 2)))


def _list(items, lang):
    items = [str(x) for x in items]
    return t("none", lang) if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + t("and", lang) + items[-1]


def check_finding(c: dict, lang: str = "en", params: dict | None = None) -> str:
    """The sentence for one audit check (``c`` is ``Check.to_json()``)."""
    k, n = c["finding_key"], c["numbers"]
    p = params or {}
    lo, hi = num(p.get("target_low"), lang), num(p.get("target_high"), lang)
    s, e = p.get("start_year"), p.get("end_year")
    f = lambda x, d=1: num(x, lang, d)  # noqa: E731
    if k == "not_applicable":
        return t("c.not_applicable", lang, start_year=n.get("start_year"), end_year=n.get("end_year"),
                 missing=", ".join(n.get("missing", [])))
    if k == "check_failed":
        return t("c.check_failed", lang, error=n.get("error"))
    if c["check"] == "sector_arithmetic":
        need = n["non_agriculture_growth_needed_pct"]
        nl, nh = need.get(f"{p.get('target_low'):g}", [None, None]), need.get(f"{p.get('target_high'):g}", [None, None])
        return t(f"c.{k}", lang, sa=f(n["agriculture_share_pct"], 2), need_lo=f"{f(nl[0])}–{f(nl[1])}",
                 need_hi=f"{f(nh[0])}–{f(nh[1])}", lo=lo, hi=hi, recent=f(n["non_agriculture_growth_recent_pct"]),
                 base=n["base_year"])
    if c["check"] == "investment":
        g = n.get("growth_supported_by_average_pct") or n.get("growth_supported_by_end_share_pct") or [None, None]
        nom = [r["nominal_growth_to_target_pct"] for r in n.get("by_base", []) if r["nominal_growth_to_target_pct"] is not None]
        return t(f"c.{k}", lang, s0=f(n["share_base_pct"]), st=f(n["share_target_pct"], 0), avg=f(n["share_average_pct"]),
                 g_lo=f(min(g)), g_hi=f(max(g)), lo=lo, need="–".join(f(x, 0) for x in n["share_needed_for_target_low_pct"]),
                 inv=num(n["investment_target"], lang, 0), end=e,
                 src=t("inv.old", lang, y=s) if n.get("share_base_locality") == "can_tho_old" else "",
                 nom=(f"{f(min(nom))}–{f(max(nom))}" if nom else "—"), start_year=s)
    if c["check"] == "nominal_target_and_deflator":
        rows = n["by_base"]
        bases = ", ".join((">" if r["base_kind"] == "lower_bound" else "") + num(r["base"], lang, 0) for r in rows)
        noms = [r["nominal_growth_pct"] for r in rows]
        return t(f"c.{k}", lang, gt=num(n["grdp_target"], lang, 0), end=e, start=s, nom_lo=f(min(noms)), nom_hi=f(max(noms)),
                 bases=bases, lo=lo, hi=hi, d_lo=f(min(r["deflator_pct_at_high"] for r in rows)),
                 d_hi=f(max(r["deflator_pct_at_low"] for r in rows)), recent=f(n["recent_mean_pct"]))
    if c["check"] == "appendix8_deflator":
        reals = [r["real_growth_at_scenario_deflator_pct"] for r in n["by_base"] if r["real_growth_at_scenario_deflator_pct"] is not None]
        return t(f"c.{k}", lang, d=f(n["deflator_median_pct"]), gt=num(n["grdp_target"], lang, 0), r_lo=f(min(reals)),
                 r_hi=f(max(reals)), lo=lo, hi=hi)
    if c["check"] == "per_capita_times_population":
        return t(f"c.{k}", lang, pc=f(n["grdp_per_capita_target_million"], 0), pop=num(n["population_target"], lang, 0),
                 imp=num(n["implied_grdp_billion"], lang, 0), gt=num(n["grdp_target_billion"], lang, 0),
                 a8pop=num(n["appendix8_population"], lang, 0), a8=num(n["implied_with_appendix8_population"], lang, 0))
    if c["check"] == "appendix8_scenarios":
        heads = [t("headed", lang, s=r["scenario"], h=f(r["headline_growth_pct"], 0), c=f(r["computed_growth_pct"], 2))
                 for r in n["scenarios"] if r["scenario"] in n["headline_differs"]]
        rr = n.get("exchange_rate_range") or [None, None]
        return t(f"c.{k}", lang, base=num(n["consensus_constant_base"], lang, 0), swapped=_list(n["swapped"], lang),
                 heads="; ".join(heads) or t("none", lang), r0=num(rr[0], lang, 0), r1=num(rr[1], lang, 0), lo=lo,
                 reach=_list(n["scenarios_reaching_target_low"], lang))
    if c["check"] == "labour_productivity":
        return t(f"c.{k}", lang, lp=f(n["productivity_target_million"], 0), emp=num(n["employment_target"], lang, 0),
                 imp=num(n["implied_grdp_billion"], lang, 0), diff=f(n["difference_pct"]), gt=num(n["grdp_target_billion"], lang, 0))
    if c["check"] == "exports_and_budget":
        rows = "; ".join(f"{r['indicator']} {'>' if r['base_kind'] == 'lower_bound' else ''}{num(r['base'], lang, 0)} → "
                         f"{num(r['target'], lang, 0)}: {f(r['implied_growth_pct'])} % vs {f(r['stated_growth_pct'])} %"
                         for r in n["rows"])
        return t(f"c.{k}", lang, end=e, start=s, rows=rows)
    if c["check"] == "structure_conditional":
        cases = ", ".join(f"{v_} % ({'tăng trưởng' if lang == 'vi' else 'at'} {g_} %)".replace(".", "," if lang == "vi" else ".")
                          for g_, v_ in ((num(float(g), lang), f(v)) for g, v in n["share_at_growth_pct"].items()))
        return t(f"c.{k}", lang, s0=f(n["agriculture_share_base_pct"], 2), ga=f(n["agriculture_growth_pct"], 2), cases=cases,
                 end=e, tmax=f(n["target_max_pct"], 0), need=f(n["growth_needed_for_target_pct"]))
    if c["check"] == "population":
        return t(f"c.{k}", lang, pop0=num(n["population_base"], lang, 0), popt=num(n["population_target"], lang, 0),
                 gr=f(n["resolution_growth_pct"], 2), ga8=f(n["appendix8_growth_pct"], 2))
    if c["check"] == "plan_targets_as_forecasts":
        old = ""
        for o in n.get("old_can_tho_average") or []:
            if abs(o["average_pct"] - 6.92) < 1e-9 or len(n["old_can_tho_average"]) == 1:
                ests = o["average_with_2025_estimates_pct"]
                old = t("c.old_ct", lang, avg=f(o["average_pct"], 2), g25=f(o["implied_2025_growth_pct"]),
                        ests=" / ".join(num(float(x), lang, 2) for x in ests), imp=" / ".join(f(v, 2) for v in ests.values()))
        return t(f"c.{k}", lang, me=f(n["mean_error_pp"], 2), mae=f(n["mae_pp"], 2), k=len(n["targets"]),
                 x=sum(1 for x in n["excluded"] if x.get("reason") in ("restated", "copied_text")), old=old)
    if c["check"] == "required_path":
        if k == "period_complete":
            return t("c.period_complete", lang)
        return t(f"c.{k}", lang, k=n["remaining_years"], rl=f(n["required_low_pct"], 2), rh=f(n["required_high_pct"], 2),
                 above=n["years_on_record_at_or_above_required"], n=n["years_on_record"],
                 best=f(n["best_year_growth_pct"], 2), by=n["best_year"])
    return k


def _base_rate_sentence(rates: list[dict], lang: str) -> str:
    one = next((r for r in rates if r["rate_id"] == "F1"), None)
    avg = next((r for r in rates if r["rate_id"] == "F11"), None)
    parts = []
    if one:
        parts.append(t("br.one", lang, p=str(one["period"]).replace("-", "–"), c=int(one["count"]), n=int(one["n_provinces"])))
    if avg:
        parts.append(t("br.avg", lang, p=str(avg["period"]).replace("-", "–"), c=int(avg["count"]), n=int(avg["n_provinces"])))
    return t("base", lang, text="; ".join(parts) + ".") if parts else ""


def verdict_text(j: dict, lang: str = "en") -> list[str]:
    """Plain-language paragraphs from the study's JSON (``StudyResult.to_json()``)."""
    p = j["params"]
    e = j["ensemble"]
    lik = j["likelihood"]
    out = []
    if not j.get("simulated_years", [1]) and e.get("median") is not None:
        out.append(t("verdict_complete", lang, s=p["start_year"], e=p["end_year"], dt=p["data_through"],
                     avg=num(e["median"], lang, 2), lo=num(p["target_low"], lang),
                     cmp=t("cmp.above" if e["median"] >= p["target_low"] else "cmp.below", lang)))
    elif e.get("p_ge_low") is None:
        out.append(t("verdict_none", lang, dt=p["data_through"]))
    else:
        rng = lik.get("range") or [e["p_ge_low"], e["p_ge_low"]]
        out.append(t("verdict", lang, dt=p["data_through"], lo=num(p["target_low"], lang), hi=num(p["target_high"], lang),
                     s=p["start_year"], e=p["end_year"], words=likelihood_words(lik["term"], lang), p=pct(e["p_ge_low"], lang),
                     ph=pct(e["p_ge_high"], lang), pmin=pct(rng[0], lang), pmax=pct(rng[1], lang), med=num(e["median"], lang),
                     a80=num(e["pi80"][0], lang), b80=num(e["pi80"][1], lang), a95=num(e["pi95"][0], lang),
                     b95=num(e["pi95"][1], lang)))
    rows = j.get("ensemble_backtest", [])
    eb = {r["group"]: r for r in rows if r.get("weights") == "known_at_origin"}
    fin = {r["group"]: r for r in rows if r.get("weights") == "final"}
    if "all" in eb:
        a = eb["all"]
        out.append(t("calibration", lang, c80=pct(a["coverage80_avg"], lang), n=a["origins"],
                     c80f=pct(a["coverage80_avg_full"], lang), nf=a["origins_full_horizon"], c95=pct(a["coverage95_avg"], lang),
                     crps=num(a["crps_avg"], lang, 2), bcrps=num(a["best_single_crps_avg"], lang, 2),
                     best=model_name(a["best_single_model"], lang) if a["best_single_model"] else "—",
                     local_n=eb.get("local", {}).get("origins", 0),
                     c80_fin=pct(fin.get("all", {}).get("coverage80_avg"), lang),
                     crps_fin=num(fin.get("all", {}).get("crps_avg"), lang, 2)))
    else:
        out.append(t("calibration_none", lang))
    sens = j.get("sensitivity") or {}
    cov = {r["case"]: r for r in sens.get("covid", [])}
    if j.get("shock") and cov:
        sh = j["shock"]
        out.append(t("covid", lang, episodes=sh["episodes"], years=sh["years_at_risk"], rate=pct(sh["rate_per_year"], lang),
                     p_none=pct(cov.get("no_treatment", {}).get("p_ge_low"), lang),
                     p_noshock=pct(cov.get("dummies_no_shocks", {}).get("p_ge_low"), lang)))
    grid = sens.get("vietnam_x_gap") or []
    if grid:
        mid = next((r for r in grid if abs(r["vietnam_growth"] - 7.0) < 1e-9), grid[len(grid) // 2])
        top = grid[-1]
        gap = (sens.get("vietnam_x_gap_note") or {}).get("gap_estimated") or {}
        out.append(t("sensitivity", lang, vn=num(mid["vietnam_growth"], lang), gap=num(gap.get("mean"), lang),
                     p_vn=pct(mid.get("estimated", mid.get("+0")), lang), vn_hi=num(top["vietnam_growth"], lang),
                     p_hi=pct(top.get("+1"), lang)))
    req = j["required_growth"]
    chk = {c["check"]: c for c in j["checks"]}
    if req["low"] is not None and "required_path" in chk and chk["required_path"]["numbers"].get("years_on_record"):
        rn = chk["required_path"]["numbers"]
        out.append(t("required", lang, rl=num(req["low"], lang), rh=num(req["high"], lang), k=req["remaining_years"],
                     years=", ".join(map(str, req["years"])), above=rn["years_on_record_at_or_above_required"],
                     n=rn["years_on_record"]))
    elif req["low"] is None:
        out.append(t("required_done", lang))
    bt = j["backtest"]
    if bt.get("plan_targets_mae_pp") is not None:
        out.append(t("plans", lang, me=num(bt["plan_targets_mean_error_pp"], lang, 2), mae=num(bt["plan_targets_mae_pp"], lang, 2),
                     k=len(bt["plan_targets"])))
    base = _base_rate_sentence(j.get("base_rates", []), lang)
    if base:
        out.append(base)
    for row in j.get("history", []):
        if row.get("why"):
            prev = next((r for r in j["history"] if r["as_of"] == row["as_of"] - 1), None)
            w = row["why"]
            out.append(t("moved", lang, y=row["as_of"], a=pct(prev["p_ge_low"], lang) if prev else "—",
                         b=pct(row["p_ge_low"], lang),
                         why=t(f"why.{w['key']}", lang, y=w["new_year"], v=num(w.get("new_value"), lang, 2))))
    flagged = [c for c in j["checks"] if c["flag"]]
    out.append(t("audit_head", lang, k=len(flagged), n=len(j["checks"])))
    out.append(t("scale", lang))
    return out
