package source

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetaOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		path string
		want Meta
	}{
		{
			name: "work report",
			text: "2025年重庆市政府工作报告\n——2025年1月19日在重庆市第六届人民代表大会第三次会议上\n重庆市人民政府市长 胡衡华\n各位代表：\n现在，我代表市人民政府向大会报告工作。\n",
			want: Meta{Title: "2025年重庆市政府工作报告", Date: "2025-01-19", Issuer: "重庆市人民政府"},
		},
		{
			name: "work report, governor only",
			text: "2026年政府工作报告（云南省）\n——2026年1月28日在云南省第十四届人民代表大会第五次会议上\n云南省省长 王予波\n",
			want: Meta{Title: "2026年政府工作报告（云南省）", Date: "2026-01-28", Issuer: "云南省人民政府"},
		},
		{
			name: "law: latest of the header dates",
			text: "中华人民共和国科学技术进步法\n1993年7月2日 第八届全国人民代表大会常务委员会第二次会议通过\n2007年12月29日 第十届全国人民代表大会常务委员会第三十一次会议第一次修订\n2021年12月24日 第十三届全国人民代表大会常务委员会第三十二次会议第二次修订\n第一章 总 则\n第一百一十七条 本法自2022年1月1日起施行。\n",
			want: Meta{Title: "中华人民共和国科学技术进步法", Date: "2021-12-24", Issuer: "全国人民代表大会常务委员会"},
		},
		{
			name: "local regulation without a space after the date",
			text: "重庆市专利促进与保护条例\n2007年7月27日重庆市第二届人民代表大会常务委员会第三十二次会议通过\n第一条 为鼓励发明创造，制定本条例。\n",
			want: Meta{Title: "重庆市专利促进与保护条例", Date: "2007-07-27", Issuer: "重庆市人民代表大会常务委员会"},
		},
		{
			name: "notice signed at the end, Chinese numerals",
			text: "渝科发〔2021〕3号\n\n关于印发科技创新专项资金管理办法的通知\n\n各区县科技主管部门：\n现将办法印发给你们，请遵照执行。\n\n重庆市科学技术局\n二〇二一年十二月三十一日\n",
			want: Meta{Title: "关于印发科技创新专项资金管理办法的通知", Date: "2021-12-31", Issuer: "重庆市科学技术局"},
		},
		{
			name: "run-together header line",
			text: "ZJHC00－2017－0010衢州市人民政府文件衢政发〔2017〕46号衢州市人民政府关于推进创新驱动加快绿色发展的若干政策意见（试行）各县（市、区）人民政府，市政府各部门，为深入实施创新驱动发展战略，推进绿色金融改革，现提出如下政策意见，请认真贯彻执行。\n一、培育龙头企业。\n衢州市人民政府办公室2017年11月16日印发\n",
			want: Meta{Title: "衢州市人民政府关于推进创新驱动加快绿色发展的若干政策意见（试行）", Date: "2017-11-16", Issuer: "衢州市人民政府"},
		},
		{
			name: "cited title in a long first line is not the title",
			text: "科技是国家强盛之基，创新是民族进步之魂。全会审议通过了《中共重庆市委关于深入推动科技创新支撑引领高质量发展的决定》和全会决议，为我市科技创新工作确立了纲领、明确了方向、擘画了蓝图，进一步增强重庆科技创新的集聚度、活跃度、开放度、贡献度、辐射度。\n\n让科技创新更好地支撑引领重庆高质量发展\n",
			want: Meta{Title: "让科技创新更好地支撑引领重庆高质量发展"},
		},
		{
			name: "iso date and doc number line",
			text: "国科发〔2020〕1号\n2020-03-15\n新型研发机构认定办法\n第一条 为规范新型研发机构认定，制定本办法。\n",
			want: Meta{Title: "新型研发机构认定办法", Date: "2020-03-15"},
		},
		{
			name: "date from the file name",
			text: "科技简报\n本周国家实验室建设进展顺利。\n",
			path: "docs/briefing-2023-04-15.txt",
			want: Meta{Title: "科技简报", Date: "2023-04-15"},
		},
		{
			name: "impossible dates are ignored",
			text: "通知\n2021年2月30日\n",
			path: "x_20211340.txt",
			want: Meta{Title: "通知"},
		},
		{
			name: "nothing stated",
			text: "各位代表：\n现在，我代表政府报告工作。\n",
			want: Meta{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MetaOf(tc.text, tc.path); got != tc.want {
				t.Errorf("MetaOf =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func FuzzMetaOf(f *testing.F) {
	f.Add("2025年重庆市政府工作报告\n——2025年1月19日\n重庆市人民政府市长 胡衡华\n", "a_20210101.txt")
	f.Add("二〇二一年十二月三十一日\n国科发〔2020〕1号", "")
	f.Fuzz(func(t *testing.T, text, path string) {
		m := MetaOf(text, path)
		if m.Date != "" && len(m.Date) != len("2006-01-02") {
			t.Fatalf("MetaOf date %q is not YYYY-MM-DD", m.Date)
		}
	})
}

// TestCorpusMeta reads the shared corpus and checks the metadata against the
// issuers and years its SOURCES.md table gives.
func TestCorpusMeta(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	table, err := os.Open(filepath.Join(dir, "SOURCES.md"))
	if err != nil {
		t.Skipf("shared corpus not available: %v", err)
	}
	defer table.Close()
	type row struct{ issuer, year string }
	rows := map[string]row{}
	sc := bufio.NewScanner(table)
	for sc.Scan() {
		// | 1 | `chongqing_gwr_2025.txt` | 22,859 | 19,404 | 重庆市人民政府 | 2025 | repo |
		f := strings.Split(sc.Text(), "|")
		if len(f) < 8 || !strings.Contains(f[2], ".txt") {
			continue
		}
		rows[strings.Trim(f[2], " `")] = row{strings.TrimSpace(f[5]), strings.TrimSpace(f[6])}
	}
	if len(rows) < 10 {
		t.Fatalf("read only %d rows from SOURCES.md", len(rows))
	}
	var years, issuers, n int
	for name, want := range rows {
		doc, err := Read(context.Background(), filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		n++
		if doc.Title == strings.TrimSuffix(name, ".txt") {
			t.Errorf("%s: no title found", name)
		}
		if strings.HasPrefix(doc.Date, want.year) {
			years++
		} else {
			t.Logf("%s: date %q, table year %s", name, doc.Date, want.year)
		}
		norm := strings.NewReplacer("、", "", " ", "")
		if doc.Issuer != "" && (strings.Contains(norm.Replace(want.issuer), norm.Replace(doc.Issuer)) || strings.Contains(norm.Replace(doc.Issuer), norm.Replace(want.issuer))) {
			issuers++
		} else {
			t.Logf("%s: issuer %q, table %q", name, doc.Issuer, want.issuer)
		}
	}
	t.Logf("%d documents: year right for %d, issuer right for %d", n, years, issuers)
	// Measured when written: 26 documents, 25 years, 25 issuers.
	if years*10 < n*9 || issuers*10 < n*8 {
		t.Errorf("metadata fell below 90%% of years or 80%% of issuers: %d and %d of %d", years, issuers, n)
	}
}
