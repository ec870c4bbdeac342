package synth

import (
	"fmt"

	"kg/graph"
)

// Word lists the names are composed from. A name is a mixed-radix reading
// of an index over these lists, so names within a type are distinct by
// construction; beyond a list product a bracketed serial number is added.
var (
	cities = []string{
		"北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "武汉", "成都",
		"西安", "合肥", "苏州", "长沙", "郑州", "济南", "青岛", "宁波", "厦门", "福州",
		"沈阳", "大连", "长春", "哈尔滨", "石家庄", "太原", "呼和浩特", "南昌", "南宁", "海口",
		"贵阳", "昆明", "拉萨", "兰州", "西宁", "银川", "乌鲁木齐", "无锡", "常州", "东莞",
		"佛山", "珠海", "温州", "嘉兴", "绍兴", "烟台", "潍坊", "洛阳", "襄阳", "宜昌",
		"绵阳", "芜湖", "泉州", "赣州", "柳州", "遵义", "包头", "唐山", "徐州", "南通",
	}
	districts = []string{
		"高新区", "经开区", "自贸区", "新区", "科学城", "科技城", "大学城", "软件园", "临空经济区", "综合保税区",
		"两江新区", "滨海新区", "江北新区", "天府新区", "西部科学城", "光谷", "未来科技城", "创新港", "产业园", "示范区",
	}
	topics = []string{
		"人工智能", "集成电路", "生物医药", "新能源", "新材料", "量子信息", "区块链", "大数据", "云计算", "物联网",
		"智能制造", "工业互联网", "先进计算", "网络安全", "航空航天", "海洋工程", "现代农业", "节能环保", "智能网联汽车", "氢能",
		"储能", "光电子", "微电子", "基因工程", "医疗器械", "高端装备", "机器人", "数字经济", "卫星导航", "虚拟现实",
		"软件", "新型显示", "精准医学", "合成生物", "碳中和", "智慧城市", "金融科技", "文化创意", "现代物流", "种业",
	}
	modifiers = []string{"", "先进", "新一代", "智能", "绿色", "高端", "前沿", "新型", "核心", "关键"}
	aspects   = []string{"技术", "产业", "材料", "装备", "应用", "系统", "芯片", "服务", "工艺", "器件"}
	platforms = []string{
		"创新中心", "重点实验室", "工程技术研究中心", "技术创新中心", "产业创新中心", "制造业创新中心", "中试基地",
		"公共服务平台", "孵化器", "众创空间", "实验室", "研究院", "产业技术研究院", "科技园", "大科学装置",
	}
	levels       = []string{"", "国家", "省级", "市级"}
	institutions = []string{
		"大学", "理工大学", "科技大学", "医科大学", "师范大学", "研究所", "研究院", "科学院", "技术研究院",
		"股份有限公司", "科技有限公司", "集团有限公司", "协会", "学会", "产业联盟", "促进中心",
	}
	measures = []string{
		"专项资金", "人才计划", "若干措施", "实施方案", "行动计划", "扶持政策", "补贴办法", "三年行动方案",
		"奖励办法", "管理办法", "发展规划", "攻关工程", "示范工程", "揭榜挂帅项目", "首台套保险补偿",
	}
)

// mixed splits k into digits of the given radixes, least significant first,
// and returns the remaining quotient.
func mixed(k int, radix ...int) ([]int, int) {
	d := make([]int, len(radix))
	for i, r := range radix {
		d[i] = k % r
		k /= r
	}
	return d, k
}

func serial(name string, q int) string {
	if q == 0 {
		return name
	}
	return fmt.Sprintf("%s（%d）", name, q+1)
}

// entityName returns the name of the k-th entity of a type.
func entityName(t graph.EntityType, k int) string {
	switch t {
	case graph.Platform:
		d, q := mixed(k, len(cities), len(topics), len(platforms), len(levels))
		return serial(levels[d[3]]+cities[d[0]]+topics[d[1]]+platforms[d[2]], q)
	case graph.Field:
		d, q := mixed(k, len(topics), len(modifiers), len(aspects))
		return serial(modifiers[d[1]]+topics[d[0]]+aspects[d[2]], q)
	case graph.Institution:
		d, q := mixed(k, len(cities), len(topics), len(institutions))
		return serial(cities[d[0]]+topics[d[1]]+institutions[d[2]], q)
	case graph.Region:
		d, q := mixed(k, len(cities), len(districts))
		if k < len(cities) {
			return cities[k] + "市"
		}
		return serial(cities[d[0]]+districts[d[1]], q)
	default:
		d, q := mixed(k, len(topics), len(measures), len(cities))
		return serial(cities[d[2]]+topics[d[0]]+measures[d[1]], q)
	}
}
